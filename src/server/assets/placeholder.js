// Placeholder for the Vango thin client; the real bundle (client/dist/vango.min.js) replaces it.
console.log("vango client placeholder");
