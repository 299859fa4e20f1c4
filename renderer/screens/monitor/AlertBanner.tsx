import type { MonitorAlert } from '../../../shared/schemas/monitor-live';

/** Every threshold the latest reading exceeds, in one banner at the top: what is wrong, in plain words. */
export function AlertBanner({ alerts }: { alerts: MonitorAlert[] }) {
  if (alerts.length === 0) return null;
  const critical = alerts.some((a) => a.severity === 'critical');
  return (
    <div className={`banner ${critical ? 'banner-error' : 'banner-warning'} monitor-alert`} role="alert" data-testid="monitor-alert-banner" data-count={alerts.length}>
      <div className="banner-icon" aria-hidden="true">!</div>
      <div className="banner-body">
        <h3 className="banner-title">{alerts.length === 1 ? alerts[0].title : `${alerts.length} thresholds exceeded`}</h3>
        <ul className="monitor-alert-list">
          {alerts.map((a) => (
            <li key={`${a.kind}-${a.feature ?? ''}`} data-testid={`monitor-alert-${a.kind}${a.feature ? `-${a.feature}` : ''}`}>
              {alerts.length > 1 && <strong>{a.title}. </strong>}{a.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
