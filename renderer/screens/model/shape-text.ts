/** "1, 3, 224, 224", "[1,3,224,224]" or "1x3x224x224" -> [1, 3, 224, 224]; null unless every dim is a positive integer. */
export function parseShape(text: string): number[] | null {
  const parts = text.replace(/[[\]()]/g, '').split(/[\s,x×]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 8) return null;
  const dims = parts.map(Number);
  return dims.every((d) => Number.isInteger(d) && d > 0) ? dims : null;
}
