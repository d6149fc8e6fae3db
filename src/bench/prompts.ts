import { JAMENDO_GENRES, JAMENDO_INSTRUMENTS, JAMENDO_MOODS } from '../catalog/jamendo-vocabulary.ts';

const SETTINGS = [
  'for a rainy evening', 'for morning yoga', 'while studying late', 'for a road trip', 'at a beach party',
  'for a film trailer', 'to fall asleep to', 'for a workout', 'in a cozy cafe', 'for a video game boss fight',
  'with ocean waves', 'for a wedding', 'on a summer night', 'for focus at work', 'for a horror scene',
];

/**
 * `n` different benchmark prompts, the same on every run: moods, genres, instruments and settings
 * of the kind people type, varied in length (2 to ~15 words).
 */
export function benchmarkPrompts(n: number): string[] {
  const out = new Set<string>();
  let i = 0;
  while (out.size < n) {
    const mood = JAMENDO_MOODS[(i * 7) % JAMENDO_MOODS.length]!;
    const genre = JAMENDO_GENRES[(i * 13) % JAMENDO_GENRES.length]!;
    const instrument = JAMENDO_INSTRUMENTS[(i * 5) % JAMENDO_INSTRUMENTS.length]!;
    const setting = SETTINGS[i % SETTINGS.length]!;
    const shapes = [
      `${mood} ${instrument}`,
      `${mood} ${genre} with ${instrument} ${setting}`,
      `something ${mood} and ${genre}, lots of ${instrument}`,
      `${genre} ${setting}`,
      `a ${mood} ${genre} track with soft ${instrument} and a slow build ${setting}, nothing too loud`,
    ];
    out.add(shapes[i % shapes.length]!);
    i++;
  }
  return [...out];
}
