/**
 * Words never worth a keyword: English function words (NLTK's English list, which the
 * prototype used) plus the filler of generated music captions ("the track features …").
 * No MTG-Jamendo tag is in here, so a tag word is always eligible.
 */
const ENGLISH = `
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now d ll m o re ve y ain aren couldn didn
doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn also may
might could would must shall within without throughout along among across onto upon around
yet still even though although whether either neither every another much many lot lots one two
three four five first second third
`;

const CAPTION_FILLER = `
track tracks song songs piece pieces music musical tune tunes composition recording recorded
sound sounds sounding feature features featuring featured create creates creating created play
plays playing played accompanied accompanying accompaniment evoke evokes evoking evoked sense
feel feels feeling feelings vibe vibes atmosphere mood style overall like includes including
include perfect suitable suited ideal makes making made give gives giving set sets setting
throughout quality low high part parts element elements instrumentation arrangement
keyword keywords tag tags suggested suggest suggests suggesting convey conveys conveying together
resembling resembles reminiscent hear heard help helps fill fills filling consist consists consisting
something someone sings sung scene scenes video videos footage highlights playlist playlists
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(`${ENGLISH} ${CAPTION_FILLER}`.split(/\s+/).filter(Boolean));
