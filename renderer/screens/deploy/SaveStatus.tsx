import { ErrorBanner } from '../../components/ErrorBanner';
import type { SaveState } from './use-deploy-spec';

/** Where the settings live and whether the last change reached the file. */
export function SaveStatus({ save }: { save: SaveState }) {
  if (save.kind === 'error') return <ErrorBanner error={save.error} testId="deploy-save-error" />;
  const text = save.kind === 'loading' ? 'Reading modeldock.yaml…'
    : save.kind === 'pending' ? 'Saving soon…'
      : save.kind === 'saving' ? 'Saving…'
        : save.kind === 'blocked' ? save.reason
          : save.fromFile ? `Saved in ${save.specPath} (kubernetes: section); modeldock export reads the same.`
            : `Defaults shown. Your first change is saved in ${save.specPath} (kubernetes: section).`;
  return (
    <p className={`deploy-save deploy-save-${save.kind}`} data-testid="deploy-save" data-state={save.kind} role="status">{text}</p>
  );
}
