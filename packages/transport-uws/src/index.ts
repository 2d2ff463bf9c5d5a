// The uWebSockets.js transport lands with the network issue. The package exists now so the
// workspace layout is final and the room core can be written against its seam.
export {};
