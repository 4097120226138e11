/** What an agent is told when the browser gives no microphone: why, and what to do. */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException) ? (error as Error).name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The microphone was refused: allow this page to use the microphone in the browser (the icon in the address bar), then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found: plug one in (or choose another under Microphone), then try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is in use by another program or could not be started: close that program, then try again.';
    default:
      return `The microphone could not be opened: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** getUserMedia for the call: the chosen microphone, audio only. */
export async function openMicrophone(deviceId: string | undefined): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error('This page cannot use a microphone: open it over https (or http://localhost) in a current browser.');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false });
  } catch (error) {
    throw new Error(microphoneProblem(error), { cause: error });
  }
}
