/** First byte of a room frame (World frames use 1 and 2: see state/frame-kind.ts). */
export const FRAME_ROOM = 3;
/** Header flag: the client drops every entity before applying this frame (join, resync). */
export const FLAG_RESET = 1;
