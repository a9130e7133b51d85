import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: { server?: string; proxyUrl?: string } | null, options: Record<string, unknown>) => Agent;

/** Distinct TLS settings an agent is made for; keys, certificates and CAs only as digests. */
function agentKey(server: string, options: Record<string, unknown>): string {
  const digest = createHash('sha256').update(server);
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (value === undefined) continue;
    digest.update(`\0${name}=`);
    if (typeof value === 'string' || Buffer.isBuffer(value)) digest.update(value);
    else digest.update(JSON.stringify(value) ?? '');
  }
  return digest.digest('hex');
}

const MAX_AGENTS = 8;

/**
 * client-node 1.x makes a new https.Agent for every request (KubeConfig's private createAgent), so every API
 * call opens a new TLS connection and parses the CA, client certificate and key again. For a controller making
 * thousands of calls that is a handshake per call on both ends and hundreds of MiB of native memory churn.
 * This gives the KubeConfig one keep-alive agent per distinct set of TLS options instead; credentials in
 * headers (tokens, refreshed per request) are not part of the agent and keep working as before.
 */
export function shareAgents(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent?: CreateAgent };
  const original = target.createAgent;
  if (typeof original !== 'function') return kc; // another client-node version: leave it as it is
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    if (cluster?.proxyUrl) return original.call(kc, cluster, options);
    const key = agentKey(cluster?.server ?? '', options);
    let agent = agents.get(key);
    if (agent === undefined) {
      agent = original.call(kc, cluster, { ...options, keepAlive: true });
      // Rotating client certificates make new keys; old agents close their idle sockets and are dropped.
      if (agents.size >= MAX_AGENTS) agents.delete(agents.keys().next().value ?? '');
      agents.set(key, agent);
    }
    return agent;
  };
  return kc;
}
