/** Dominant frequency (Hz) of a signal, by a direct DFT scan over candidate frequencies. */
export function dominantFrequency(samples: Float32Array, sampleRate: number, fromHz = 50, toHz = 4000, stepHz = 5): number {
  // One second from the middle is plenty and keeps the scan cheap.
  const n = Math.min(samples.length, sampleRate);
  const start = Math.floor((samples.length - n) / 2);
  let best = fromHz;
  let bestPower = -1;
  for (let f = fromHz; f <= toHz; f += stepHz) {
    let re = 0;
    let im = 0;
    const w = (2 * Math.PI * f) / sampleRate;
    for (let i = 0; i < n; i++) {
      const x = samples[start + i]!;
      re += x * Math.cos(w * i);
      im -= x * Math.sin(w * i);
    }
    const p = re * re + im * im;
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  return best;
}
