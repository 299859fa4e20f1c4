import { CopyButton } from './CopyButton';

export function CodeBlock({ code, language, testId }: { code: string; language: string; testId?: string }) {
  return (
    <div className="code-block" data-testid={testId}>
      <div className="code-block-bar">
        <span className="code-lang">{language}</span>
        <CopyButton text={code} testId={testId ? `${testId}-copy` : undefined} />
      </div>
      <pre className="mono"><code>{code}</code></pre>
    </div>
  );
}
