import type { RecipeKind } from './recipe-kind';
import type { RecipeInput } from './recipe-python';
import { sklearnRecipe } from './recipe-sklearn';
import { tensorflowRecipe } from './recipe-tensorflow';
import { torchRecipe } from './recipe-torch';

/** The recipe text for a file: one generator per converter family. */
export function buildRecipe(input: RecipeInput & { kind: RecipeKind }): string {
  switch (input.kind) {
    case 'sklearn':
    case 'boosted-trees':
      return sklearnRecipe(input);
    case 'keras-h5':
    case 'keras-v3':
    case 'tf-savedmodel':
    case 'tflite':
      return tensorflowRecipe(input);
    default:
      return torchRecipe(input);
  }
}
