import type { KubernetesSettings } from '../../../shared/schemas/kubernetes-settings';
import { Card } from '../../components/Card';
import { Why } from '../../components/Why';
import type { SettingProblems } from './deploy-settings';
import { NumberField, Segmented, SettingRow, TextField, Toggle } from './fields';

interface CardProps {
  settings: KubernetesSettings;
  problems: SettingProblems;
  set: (path: string, value: unknown) => void;
  /** The objects' name (the model name unless the spec sets another): suggests an Ingress host. */
  name: string;
}

/** The first problem at or under a settings path ("networkPolicy.allowNamespaces" covers ".0", ".1"...). */
function problemUnder(problems: SettingProblems, prefix: string): string | undefined {
  const key = Object.keys(problems).find((k) => k === prefix || k.startsWith(`${prefix}.`));
  return key ? problems[key] : undefined;
}

function listText(items: string[]): string {
  return items.join(', ');
}

function listOf(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of listOf(text)) {
    const at = pair.indexOf('=');
    if (at > 0) out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** How requests reach the model: the Service inside the cluster, and optionally an Ingress at a host name. */
export function ExposureCard({ settings, problems, set, name }: CardProps) {
  const ingress = settings.ingress;
  return (
    <Card title="Service and Ingress" subtitle="How requests reach the model: inside the cluster, or from outside at a host name." testId="deploy-exposure">
      <div className="settings settings-aligned">
        <SettingRow label="Service type" testId="service-type"
          help={settings.service.type === 'ClusterIP'
            ? 'Reachable by other programs in the cluster (and from outside through an Ingress). The usual choice.'
            : 'A public address from your cloud provider, outside any Ingress. Costs money per Service on most clouds.'}>
          <Segmented label="Service type" value={settings.service.type} testIdPrefix="service-type"
            options={[{ value: 'ClusterIP', label: 'Inside the cluster' }, { value: 'LoadBalancer', label: 'Public load balancer' }]}
            onChange={(v) => set('service.type', v)} />
        </SettingRow>
        <SettingRow label="Service port" htmlFor="service-port" testId="service-port" problem={problems['service.port']}
          help="The port clients call; the Service forwards it to the model server's own port.">
          <NumberField id="service-port" label="Service port" value={settings.service.port} min={1} max={65535} integer onChange={(n) => set('service.port', n)} />
        </SettingRow>
        <SettingRow label="Ingress" testId="ingress" help="Route HTTP(S) for a host name (e.g. iris.example.com) to the model through the cluster's ingress controller.">
          <Toggle id="ingress-enabled" checked={!!ingress} label="Expose at a host name"
            onChange={(on) => set('ingress', on ? { host: `${name}.example.com`, path: '/', annotations: {} } : undefined)} />
        </SettingRow>
        {ingress && (
          <>
            <SettingRow label="Host and path" htmlFor="ingress-host" testId="ingress-host" problem={problems['ingress.host'] ?? problems['ingress.path']}
              help="The address clients use. Your platform team owns the DNS name; ask them which one to use.">
              <span className="range-row">
                <TextField id="ingress-host" value={ingress.host} onChange={(t) => set('ingress.host', t)} placeholder={`${name}.example.com`} />
                <TextField id="ingress-path" value={ingress.path} onChange={(t) => set('ingress.path', t)} placeholder="/" wide={false} />
              </span>
            </SettingRow>
            <SettingRow label="Class and TLS" htmlFor="ingress-class" testId="ingress-class" problem={problems['ingress.className'] ?? problems['ingress.tlsSecretName']}
              help="Which ingress controller serves it (empty: the cluster's default), and the Secret with the HTTPS certificate (empty: plain HTTP).">
              <span className="range-row">
                <TextField id="ingress-class" value={ingress.className ?? ''} onChange={(t) => set('ingress.className', t || undefined)} placeholder="nginx" wide={false} />
                <TextField id="ingress-tls" value={ingress.tlsSecretName ?? ''} onChange={(t) => set('ingress.tlsSecretName', t || undefined)} placeholder={`${name}-tls`} wide={false} />
              </span>
            </SettingRow>
          </>
        )}
      </div>
      <Why testId="why-exposure">
        <p>Pods come and go, and each gets a new address. A Service is the one stable address in front of them that spreads requests over the pods that are ready.</p>
        <p>An Ingress is the front door from outside the cluster: it maps a host name and path to a Service and can terminate HTTPS. Most clusters have one ingress controller for every team, so this is usually better than a public load balancer per model.</p>
      </Why>
    </Card>
  );
}

/** Who may talk to the pods, and whether Prometheus (through its Operator) collects their metrics. */
export function GuardCard({ settings, problems, set }: Omit<CardProps, 'name'>) {
  const policy = settings.networkPolicy;
  const monitor = settings.serviceMonitor;
  return (
    <Card title="Network policy and monitoring" subtitle="Who may call the model, and who collects its metrics." testId="deploy-guard">
      <div className="settings settings-aligned">
        <SettingRow label="NetworkPolicy" testId="network-policy"
          help="Only pods in the model's own namespace and the ones listed may call it, and the model may call nothing. Recommended by security teams.">
          <Toggle id="network-policy-enabled" checked={!!policy} label="Restrict who can call the model"
            onChange={(on) => set('networkPolicy', on ? { allowNamespaces: ['ingress-nginx', 'monitoring'] } : undefined)} />
        </SettingRow>
        {policy && (
          <SettingRow label="Allowed namespaces" htmlFor="network-namespaces" testId="network-namespaces" problem={problemUnder(problems, 'networkPolicy.allowNamespaces')}
            help="Namespaces allowed in, separated by commas: usually the ingress controller's and Prometheus's.">
            <TextField id="network-namespaces" value={listText(policy.allowNamespaces)} onChange={(t) => set('networkPolicy.allowNamespaces', listOf(t))} placeholder="ingress-nginx, monitoring" />
          </SettingRow>
        )}
        <SettingRow label="ServiceMonitor" testId="service-monitor"
          help="For clusters running the Prometheus Operator: it then scrapes the model's /metrics on its own. Without it, standard scrape annotations are still set.">
          <Toggle id="service-monitor-enabled" checked={!!monitor} label="Add a ServiceMonitor"
            onChange={(on) => set('serviceMonitor', on ? { interval: '15s', labels: {} } : undefined)} />
        </SettingRow>
        {monitor && (
          <SettingRow label="Scrape every, labels" htmlFor="monitor-interval" testId="monitor-interval" problem={problems['serviceMonitor.interval'] ?? problemUnder(problems, 'serviceMonitor.labels')}
            help="How often metrics are collected, and the labels your Prometheus selects ServiceMonitors by (e.g. release=prometheus).">
            <span className="range-row">
              <TextField id="monitor-interval" value={monitor.interval} onChange={(t) => set('serviceMonitor.interval', t)} placeholder="15s" wide={false} />
              <TextField id="monitor-labels" value={labelsText(monitor.labels)} onChange={(t) => set('serviceMonitor.labels', labelsOf(t))} placeholder="release=prometheus" wide={false} />
            </span>
          </SettingRow>
        )}
      </div>
      <Why testId="why-guard">
        <p>By default any pod in a Kubernetes cluster can call any other. A NetworkPolicy is a firewall rule for your pods: a compromised neighbour cannot reach the model, and a compromised model cannot reach your databases.</p>
        <p>The model server counts requests, errors and latency at <code>/metrics</code>. Prometheus collects those numbers over time, which is what the Monitor step and your alerts read. A ServiceMonitor is how clusters with the Prometheus Operator are told to collect them.</p>
      </Why>
    </Card>
  );
}
