/**
 * Names of a cluster's NATS and PostgreSQL resources, derived from the cluster name alone so that
 * every node of one call center finds the same ones. Cluster names are [A-Za-z0-9_-]{1,32}: every
 * character is allowed as is in stream names, KV bucket names and subject tokens, so none is mapped
 * (mapping '-' to '_' would give "a-b" and "a_b" the same stream).
 */
import { createHash } from 'node:crypto';

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

export function checkClusterName(cluster: unknown): string {
  if (typeof cluster !== 'string' || !CLUSTER_NAME.test(cluster)) {
    throw new Error(`cluster name ${JSON.stringify(cluster)} is not valid: use 1 to 32 letters, digits, _ or -`);
  }
  return cluster;
}

export const logStreamName = (cluster: string): string => `OPENCTI_${checkClusterName(cluster)}_LOG`;
export const logSubject = (cluster: string): string => `opencti.${checkClusterName(cluster)}.log`;
export const nodesBucketName = (cluster: string): string => `opencti_${checkClusterName(cluster)}_nodes`;
export const commandSubject = (cluster: string): string => `opencti.${checkClusterName(cluster)}.command`;

/** The 64-bit advisory lock key of a cluster's leadership, as a decimal string (pg bigint). */
export function leaderLockKey(cluster: string): string {
  const digest = createHash('sha256').update(`opencti-leader:${checkClusterName(cluster)}`).digest();
  return digest.readBigInt64BE(0).toString();
}
