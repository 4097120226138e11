/**
 * The ringing sound of an offered call, made with Web Audio (no sound file to ship): the North
 * American ring, 440 + 480 Hz, 2 s on and 4 s off. `playing` is true only once the audio
 * context runs, so what the page shows is what the speaker plays.
 */
export class RingTone {
  #context: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #gain: GainNode | undefined;
  playing = false;

  /** Starts ringing; resolves once the sound runs (false when the browser holds audio back). */
  async start(sinkId?: string): Promise<boolean> {
    if (this.#context) return this.playing;
    const context = new AudioContext();
    this.#context = context;
    // the chosen speaker, where the browser lets a page pick one
    const withSink = context as AudioContext & { setSinkId?: (id: string) => Promise<void> };
    if (sinkId && withSink.setSinkId) await withSink.setSinkId(sinkId).catch(() => undefined);
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    for (const frequency of [440, 480]) {
      const tone = context.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start();
    }
    this.#gain = gain;
    const cadence = (): void => {
      const now = context.currentTime;
      gain.gain.setValueAtTime(0.2, now);
      gain.gain.setValueAtTime(0, now + 2);
    };
    cadence();
    this.#timer = setInterval(cadence, 6000);
    if (context.state !== 'running') await context.resume().catch(() => undefined);
    this.playing = this.#context === context && context.state === 'running';
    return this.playing;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#gain?.disconnect();
    this.#gain = undefined;
    void this.#context?.close().catch(() => undefined);
    this.#context = undefined;
    this.playing = false;
  }
}
