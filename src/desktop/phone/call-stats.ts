/** The call's audio quality from RTCPeerConnection.getStats(): what arrives, what is lost, jitter, what is sent. */
export interface CallAudioStats {
  packetsReceived: number;
  packetsLost: number;
  /** Percent of the packets expected that were lost. */
  lossPercent: number;
  jitterMs: number;
  packetsSent: number;
  /** Rises while sound (not silence) arrives. */
  audioEnergy: number;
  /** Rises while the microphone gives sound to send (flat while muted). */
  sentEnergy: number;
  /** Round trip to the far end's RTCP (remote-inbound-rtp), once it has reported. */
  rttMs?: number;
}

export async function readAudioStats(pc: RTCPeerConnection): Promise<CallAudioStats> {
  const report = await pc.getStats();
  const stats: CallAudioStats = { packetsReceived: 0, packetsLost: 0, lossPercent: 0, jitterMs: 0, packetsSent: 0, audioEnergy: 0, sentEnergy: 0 };
  report.forEach((entry: { type: string; kind?: string; [key: string]: unknown }) => {
    if (entry.kind !== 'audio') return;
    if (entry.type === 'inbound-rtp') {
      stats.packetsReceived += Number(entry.packetsReceived ?? 0);
      stats.packetsLost += Number(entry.packetsLost ?? 0);
      stats.jitterMs = Math.max(stats.jitterMs, Number(entry.jitter ?? 0) * 1000);
      stats.audioEnergy += Number(entry.totalAudioEnergy ?? 0);
    } else if (entry.type === 'media-source') {
      stats.sentEnergy += Number(entry.totalAudioEnergy ?? 0);
    } else if (entry.type === 'outbound-rtp') {
      stats.packetsSent += Number(entry.packetsSent ?? 0);
    } else if (entry.type === 'remote-inbound-rtp' && typeof entry.roundTripTime === 'number') {
      stats.rttMs = Math.max(stats.rttMs ?? 0, entry.roundTripTime * 1000);
    }
  });
  const expected = stats.packetsReceived + Math.max(0, stats.packetsLost);
  stats.lossPercent = expected > 0 ? (Math.max(0, stats.packetsLost) / expected) * 100 : 0;
  return stats;
}
