import { Component, type ReactNode } from 'react';
import { ErrorBanner } from './ErrorBanner';

/** A rendering bug shows a plain banner with a way out instead of a blank window. */
export class CrashBoundary extends Component<{ children: ReactNode }, { message: string | null }> {
  override state = { message: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { message: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.message === null) return this.props.children;
    return (
      <div className="crash">
        <ErrorBanner
          error={{
            code: 'ui-crash',
            title: 'This screen stopped working',
            message: 'A part of the ModelDock window failed to draw. Your model files are untouched.',
            fix: 'Go back to the start; if it happens again, report it with the details below.',
            detail: this.state.message,
          }}
        />
        <button type="button" className="button button-primary" onClick={() => this.setState({ message: null })}>Back to the start</button>
      </div>
    );
  }
}
