/** Longest error message shown anywhere: libraries can put whole model topologies into theirs. */
export const MAX_MESSAGE_LENGTH = 400;

/** An error's message on one line, cut to MAX_MESSAGE_LENGTH characters (the cut marked with an ellipsis). */
export function conciseMessage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
