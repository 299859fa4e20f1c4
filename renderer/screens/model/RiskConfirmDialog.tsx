import { useEffect, useRef, useState } from 'react';
import type { ScanReport } from '../../../shared/schemas/scan';
import { ScanFindings } from './ScanCard';
import { scanGroups, VERDICT_HEADLINES } from './scan-groups';

interface RiskConfirmDialogProps {
  scan: ScanReport | null;
  /** The engine's own words on what accepting means, when it gave them. */
  riskWarning: string | null;
  pythonLabel: string;
  onCancel: () => void;
  onAccept: () => void;
}

/**
 * The one gate before Python loads a file the scan did not clear: the findings again, what loading risks in plain
 * words, and an explicit tick before the button that sends acceptRisk. Cancel is the default (focused, Escape).
 */
export function RiskConfirmDialog({ scan, riskWarning, pythonLabel, onCancel, onAccept }: RiskConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [understood, setUnderstood] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
    cancelButton.current?.focus();
  }, []);
  const verdict = scan?.verdict ?? 'unverified';
  const dangerous = verdict === 'dangerous';
  const groups = scan ? scanGroups(scan).filter((g) => g.verdict !== 'safe') : [];
  return (
    <dialog
      ref={dialog}
      className="dialog risk-dialog"
      data-testid="risk-dialog"
      data-verdict={verdict}
      aria-labelledby="risk-title"
      onCancel={(e) => { e.preventDefault(); onCancel(); }}
    >
      <div className="dialog-header">
        <h2 id="risk-title">{dangerous ? 'This file would run code on your computer' : 'Load a file the scan could not vouch for?'}</h2>
        <button type="button" className="icon-button" aria-label="Cancel" onClick={onCancel}>×</button>
      </div>
      <div className="risk-body">
        <div className={`risk-warning ${dangerous ? '' : 'risk-warning-unverified'}`} data-testid="risk-warning">
          <strong>{VERDICT_HEADLINES[verdict]}.</strong>{' '}
          Converting means loading the file in Python ({pythonLabel}). Loading it runs whatever code it carries, at that
          moment, as you:
          <ul>
            <li>the code runs with your rights: it can read, change or delete your files, including SSH keys and cloud credentials;</li>
            <li>it can install things, start programs and send data over the network;</li>
            <li>ModelDock cannot contain it: it is not a sandbox, and the harm is done before any conversion starts.</li>
          </ul>
          {riskWarning && <p className="risk-engine-warning" data-testid="risk-engine-warning">{riskWarning}</p>}
        </div>
        {scan && <p data-testid="risk-summary">{scan.summary}</p>}
        {groups.length > 0 && <ScanFindings groups={groups} testIdPrefix="risk" />}
        <label className="risk-check">
          <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="risk-ack" />
          I have read the findings above, I know where this file comes from, and I accept that its code runs on this computer.
        </label>
      </div>
      <div className="risk-actions">
        <button ref={cancelButton} type="button" className="button" onClick={onCancel} data-testid="risk-cancel">Cancel, do not load it</button>
        <button type="button" className="button button-danger" disabled={!understood} onClick={onAccept} data-testid="risk-accept">
          Load it and convert
        </button>
      </div>
    </dialog>
  );
}
