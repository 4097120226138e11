/**
 * Netstrings (`<len>:<payload>,`, len in bytes) as spoken by Kamailio's evapi and baresip's
 * ctrl_tcp. The decoder accepts arbitrary chunking: a frame split over reads, several frames in
 * one read, a length prefix cut in the middle.
 */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body, Buffer.from(',', 'ascii')]);
}

export class NetstringError extends Error {
  override name = 'NetstringError';
}

const MAX_FRAME = 16 * 1024 * 1024;

export class NetstringDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds a chunk and returns every frame it completed, in order. Throws NetstringError on garbage. */
  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: string[] = [];
    for (;;) {
      const colon = this.buffer.indexOf(0x3a); // ':'
      if (colon < 0) {
        if (this.buffer.length > 10) throw new NetstringError(`no length prefix in ${JSON.stringify(this.buffer.subarray(0, 16).toString())}`);
        return frames;
      }
      const lenText = this.buffer.subarray(0, colon).toString('ascii');
      if (!/^\d{1,9}$/.test(lenText)) throw new NetstringError(`bad length prefix ${JSON.stringify(lenText)}`);
      const length = Number(lenText);
      if (length > MAX_FRAME) throw new NetstringError(`frame of ${length} bytes is too large`);
      const end = colon + 1 + length;
      if (this.buffer.length < end + 1) return frames;
      if (this.buffer[end] !== 0x2c) throw new NetstringError(`frame of ${length} bytes does not end with ","`);
      frames.push(this.buffer.subarray(colon + 1, end).toString('utf8'));
      this.buffer = this.buffer.subarray(end + 1);
    }
  }

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.buffer.length;
  }
}
