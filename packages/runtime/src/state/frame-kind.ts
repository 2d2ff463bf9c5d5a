/** First byte of a state frame. */
export const FRAME_FULL = 1;
export const FRAME_PATCH = 2;
