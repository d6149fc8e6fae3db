/**
 * The numbers behind CLAP's log-mel spectrogram, as transformers.js's `ClapFeatureExtractor`
 * computes it for unfused models (`_extract_fbank_features` with the Slaney filters):
 *
 *   centred frames (reflect padding of n_fft/2 each side), hop `hop`, periodic Hann window of
 *   n_fft; power spectrum |STFT|²; Slaney-scale, Slaney-normalized triangular mel filters from
 *   `fMin` to `fMax`; then 10·log10(max(1e-10, mel)) (reference 1, no top_db clamp).
 *
 * For 480,000 samples, n_fft 1024 and hop 480 that is 1001 frames × 64 mel bins.
 *
 * The filter bank is a line-by-line port of transformers.js's `mel_filter_bank` (not exported
 * by the package), so an ONNX graph built from it computes the same features; a test checks the
 * port against the extractor's own `mel_filters_slaney`.
 */

export interface LogMelParams {
  sampleRate: number;
  /** Samples per window the graph takes (10 s at 48 kHz for CLAP). */
  windowSamples: number;
  nFft: number;
  hop: number;
  melBins: number;
  fMin: number;
  fMax: number;
}

/** What `power_to_db` and the mel floor clamp to before the log (both 1e-10 in transformers.js). */
export const LOG_MEL_FLOOR = 1e-10;

/** The subset of a `preprocessor_config.json` that fixes the features. */
export interface ClapExtractorConfig {
  sampling_rate: number;
  feature_size: number;
  fft_window_size: number;
  hop_length: number;
  frequency_min: number;
  frequency_max: number;
  nb_max_samples?: number;
  max_length_s?: number;
}

/** The parameters a model's own extractor config gives (so a real CLAP and the tiny one both fit). */
export function logMelParamsFromConfig(c: ClapExtractorConfig): LogMelParams {
  const windowSamples = c.nb_max_samples ?? (c.max_length_s ?? 10) * c.sampling_rate;
  const p: LogMelParams = {
    sampleRate: c.sampling_rate,
    windowSamples,
    nFft: c.fft_window_size,
    hop: c.hop_length,
    melBins: c.feature_size,
    fMin: c.frequency_min,
    fMax: c.frequency_max,
  };
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`log-mel parameter ${k} must be a finite number ≥ 0, got ${v}`);
  }
  return p;
}

/** Frames of a centred STFT over one window (transformers.js: 1 + ⌊(L + 2·⌊n/2⌋ − n) / hop⌋). */
export function frameCount(p: LogMelParams): number {
  const padded = p.windowSamples + 2 * Math.floor(p.nFft / 2);
  return 1 + Math.floor((padded - p.nFft) / p.hop);
}

/** Periodic Hann window (`window_function(n, 'hann')`: the first n of a symmetric n+1 window). */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  const factor = (2 * Math.PI) / n;
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(i * factor);
  return w;
}

const slaneyHzToMel = (f: number): number =>
  f >= 1000 ? 15 + Math.log(f / 1000) * (27 / Math.log(6.4)) : (3 * f) / 200;
const slaneyMelToHz = (m: number): number =>
  m >= 15 ? 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15)) : (200 * m) / 3;

function linspace(start: number, end: number, num: number): Float64Array {
  const step = (end - start) / (num - 1);
  return Float64Array.from({ length: num }, (_, i) => start + step * i);
}

/**
 * Slaney-scale, Slaney-normalized mel filters, `melBins` rows × (n_fft/2 + 1) frequency bins:
 * `mel_filter_bank(bins, mels, fMin, fMax, sampleRate, 'slaney', 'slaney')` in transformers.js.
 */
export function slaneyMelFilters(p: LogMelParams): Float64Array[] {
  const bins = Math.floor(p.nFft / 2) + 1;
  const melFreqs = linspace(slaneyHzToMel(p.fMin), slaneyHzToMel(p.fMax), p.melBins + 2);
  const filterFreqs = melFreqs.map(slaneyMelToHz);
  const fftFreqs = linspace(0, Math.floor(p.sampleRate / 2), bins);
  const diff = Float64Array.from({ length: filterFreqs.length - 1 }, (_, i) => filterFreqs[i + 1]! - filterFreqs[i]!);
  const filters = Array.from({ length: p.melBins }, () => new Float64Array(bins));
  for (let j = 0; j < bins; j++) {
    for (let i = 0; i < p.melBins; i++) {
      const down = -(filterFreqs[i]! - fftFreqs[j]!) / diff[i]!;
      const up = (filterFreqs[i + 2]! - fftFreqs[j]!) / diff[i + 1]!;
      filters[i]![j] = Math.max(0, Math.min(down, up));
    }
  }
  for (let i = 0; i < p.melBins; i++) {
    const enorm = 2 / (filterFreqs[i + 2]! - filterFreqs[i]!);
    const f = filters[i]!;
    for (let j = 0; j < bins; j++) f[j] = f[j]! * enorm;
  }
  return filters;
}

/** The range of frequency bins some filter uses: the DFT need not compute the others. */
export function usedBins(filters: readonly Float64Array[]): { first: number; end: number } {
  let first = Infinity;
  let end = 0;
  for (const f of filters) {
    f.forEach((v, j) => {
      if (v !== 0) {
        first = Math.min(first, j);
        end = Math.max(end, j + 1);
      }
    });
  }
  if (end === 0) throw new RangeError('the mel filter bank is all zeros: check fMin, fMax and the sample rate');
  return { first, end };
}
