/**
 * Words the generated tokenizers know as whole tokens, most useful first: music description words
 * (genres, instruments, moods, production terms, and the words music captions use most), then
 * common English. Written out here, not read from data, so a fresh machine can generate models.
 */

function words(text: string): readonly string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Music description words, roughly most common first. */
export const MUSIC_WORDS = words(`
music musical song songs track tracks tune tunes album albums single record records playlist
playlists mix remix remixes cover live acoustic instrumental vocal vocals voice voices lyrics
lyric chorus verse bridge intro outro hook drop breakdown buildup build loop loops sample samples
beat beats groove grooves rhythm rhythms tempo bpm melody melodies harmony harmonies chord chords
progression key scale note notes riff riffs solo solos bassline basslines arpeggio arpeggios motif
theme themes score soundtrack soundtracks ost composer composition producer production studio
recording mastering reverb delay echo distortion fuzz overdrive flanger phaser compression
sidechain filter lowpass highpass synth synths synthesizer synthesizers sampler sequencer drum
drums drummer drumming percussion percussive kick snare hihat hihats cymbal cymbals toms clap
claps shaker tambourine cowbell conga congas bongos djembe tabla timpani marimba xylophone
vibraphone glockenspiel celesta bells chimes gong guitar guitars guitarist bass bassist piano
pianist keys keyboard keyboards organ rhodes wurlitzer harpsichord accordion harmonica violin
violins viola cello cellos contrabass doublebass fiddle harp banjo mandolin ukulele sitar koto
shamisen erhu oud bouzouki balalaika kalimba didgeridoo bagpipes flute flutes piccolo clarinet
oboe bassoon saxophone sax trumpet trumpets trombone tuba horn horns brass woodwinds strings
orchestra orchestral ensemble quartet choir choral singer singers vocalist rapper mc dj turntables
vinyl cassette tape lofi hifi chiptune chillhop chillwave vaporwave synthwave retrowave outrun
darksynth shoegaze dreampop emo screamo hardcore metalcore deathcore blackmetal deathmetal doom
sludge stoner thrash speedmetal powermetal numetal grunge punk postpunk protopunk garage
garagerock surf surfrock rockabilly bluegrass americana country western honkytonk gospel spiritual
hymn worship soul neosoul motown funk funky disco nudisco boogie rnb hiphop rap trap drill grime
boombap gangsta jazz jazzy bebop swing bigband smooth fusion cool latin salsa bachata merengue
cumbia reggaeton tango bossa bossanova samba flamenco fado mariachi ranchera reggae dub dancehall
ska calypso soca afrobeat afrobeats highlife kpop jpop cpop bollywood bhangra qawwali klezmer
polka waltz march anthem lullaby ballad ballads serenade nocturne sonata symphony concerto opera
aria requiem etude prelude fugue minuet baroque romantic renaissance medieval classical
neoclassical minimalism minimal ambient drone noise industrial experimental avantgarde glitch idm
breakbeat breakbeats jungle drumandbass drumnbass dnb liquid neurofunk dubstep brostep riddim
ukgarage twostep house deephouse techhouse progressivehouse acidhouse electrohouse techno acid
trance psytrance goa hardstyle gabber eurodance electro electronica electronic electropop synthpop
indietronica downtempo chillout lounge triphop trip hop new age newage meditation healing yoga spa
relaxation sleep study focus calm calming relaxing relaxed chill chilled mellow soothing peaceful
serene tranquil gentle soft quiet slow dreamy ethereal atmospheric airy floating hazy lush warm
cozy intimate tender sweet sensual sexy sultry silky groovy bouncy upbeat energetic lively vibrant
punchy driving pumping pounding thumping powerful intense aggressive angry heavy hard brutal raw
gritty dirty distorted loud noisy chaotic frantic fast furious dark darker gloomy moody brooding
ominous sinister menacing eerie creepy spooky haunting scary horror suspense suspenseful tense
tension dramatic epic cinematic heroic triumphant majestic grand grandiose uplifting inspiring
motivational hopeful optimistic positive happy joyful cheerful playful fun funny quirky whimsical
silly childish innocent nostalgic melancholic melancholy sad sorrowful mournful somber bittersweet
wistful longing lonely emotional heartfelt touching moving poignant reflective introspective
thoughtful contemplative meditative mystical mysterious magical enchanting otherworldly spacey
cosmic futuristic retro vintage classic oldschool modern contemporary catchy memorable hypnotic
repetitive trippy psychedelic weird strange abstract sparse dense layered complex simple organic
natural electric digital analog synthetic mechanical robotic urban tribal ethnic exotic oriental
celtic nordic african arabic indian asian tropical summery wintery festive christmas holiday party
club dance danceable workout running sport gaming game video trailer advertising commercial
corporate documentary film movie background and with piece the rock an of passionate melodic
featuring atmosphere is sounds over creating features this playing male it in quality low for
sings played pop by shimmering that pad on plays suitable accompanied soundscape accompaniment
mood line wide female evoking creates or like paced sustained consists has sound deep medium sense
arpeggiated hits reverberant high pulsating subtle spirited feelings soulful steady section to
perfect youthful energy string space lead while you hats feeling through fuzzy feel synthesized
hope sentimental nightclub evokes synthesiser immersive something love vibe conveying would from
lines elements wooden scene muffled solemn tranquility folk strumming weaves sadness drama builds
pads genre addictive joy singing effects alternative including syncopated hear arrangements
passion depth up easygoing instruments pattern peace enthusiastic rhythmic also bell driven
sweeping floor double hitting effect mono resolution be metal festival emotion clean soaring
together hopefulness french dream hip resembling dynamic but repeating reminiscent layers along
movies boomy beautiful thrilling vigorous light triumph at long softly may emotions ambiance as
its echoing some create play flowing nature into pitched summer overall possibly providing rolls
distant feels dancing wonder euphoric adventurous conveys listen action heart bright wind patterns
blend nostalgia audio day thunderous adventure during complemented articulation machine setting
plucked leads indie synthesised before pulsing resonant instrument sci fi yet captivating major
bluesy poor animated tones happiness every harmonious alongside shakers main slick performance
introspection strums licks water thriller tone pensive meditating four birds christian pedal
fingerstyle exciting aura generic steel chirping captures outer huge vibes time fidelity
instrumentation engaging theremin vital pizzicato minor additional waves includes edm followed
climax making rain performs are backup inspiration almost down expansive full carol textures
heartwarming noir same bold descending could adding another tinny texture big kids blues touch
mystery uptempo out grungy holding beach hauntingly flows feedback games unease hit dissonant want
intertwines grim sounding accompanies influences church jingle compelling devotional plinking adds
manic beauty room strong italian add filtered chilling intrigue invokes reflection finger
hopelessness sweep victory supernatural fingerpicking being crash roll your boisterous suggesting
swells engine genres suggested harmonic old spanish intensity transitioning inspirational
victorious rebellious romance determination woodwind chime invoking various unique comfort ukelele
powered move infectious ride city lingers holds harmonized melodious event impending comforting
hand good short drumbeat takes communication both shimmer programmed provides fingerpicked coffee
center sfx body world backing shop nightclubs noises intricate whistle anticipation air include
repeated moment traditional harmonizing makes excitement storm fantasy classy journey accompanying
bit midrange lot enveloping heartbreak symphonic russian easy restaurant serenity message sections
support harsh electrifying blips listening opens essence falling reverberation large responses top
range battle echoes rich violent pitch blaring scenes percussions static blowing breathy hum
backdrop carefree landscape crashing danger unnerving snaps tv band yearning home foreboding kicks
resonance end state picking gently grandeur sessions sung phrase show pan bird environment
marching strummed cartoon signature concert blending crowd listener contribute siren alien pluck
calmness resounding producing alluring cultural other road wedding under power climactic even
though about wrenching can science fiction children trombones turntable social rapid sunny off
rimshots determined multiple fitting plucks foreground faint traffic street throughout building
folksy seems computer evoke segment register upright future style magic pleasant impacts stringed
crunchy hums wondrous slightly use amateur no influence celestial playback arrangement rainy free
panned resonating inducing piercing roar dread prominent creaky stage virtuosity following inner
there fit innovation enigmatic heard european growl silence rebellion prayer beeping language
intriguing stirring media dancefloor dull suit swell combine intertwine humming experience role
related broad loneliness backed left then fills jam advertisement vehicle sea mallets euphoria
lower resilience forward punch kit chant ocean layer white talking oohs revelation typical
unsettling transitions content train mixer clapping amplified dominate dystopian alternate provide
virtuosic ticking persuasive heroism edge falls ideal carries beautifully woman mind bending
session crescendo buzzy footsteps spine interweaves channel stereo image continuous distance fades
foreign walking arpeggiation performing heartache chinese improvisation consistent percussively
heavily reminiscing each battlefield one clock english undertone thunder tapping held slight
metallic soundscapes freedom forest box ballroom eastern thrill whole bustling contemplation open
blows storytelling songwriter leading deeply drive videos set chanting significant roles crowded
counts if manipulates arcade akin two motivation anthemic plucky darkness relentless dominant lit
rustling gives exudes pulses recorded phone weirdly screaming release leaves car adrenaline
vocalists zither superhero life performed foundation tragedy multi accompany massive monotone
brushes regal nylon mallet spirit captivates make joyous microphone go lucky paints night where
fill present likely spread hooks giving crickets perfectly rooftop was transports sports booming
hint melodically resemble apocalyptic progressively frightening instrumentals slowly described
pivotal youth anticipatory complements floats sonic more vivacious sparsely which mesmerizing
flashback second packed camera glorious technology quick root war characterized offbeat harmonics
rises evocative widely triangle drives child warmth half complexity sets elation provided
positivity rumble wistfulness droplets blares chirps supporting back continuously part post
celebratory musician wave enriched generated duet german words emotionally transverse expression
having technopop royal emotive school ringing unwinding flow insistent shuttering express convey
twangy hissing squeaky entrance towards filled nearby grooving delayed filling crisp slides
between chirp dimly crashes someone underlying delivers flat flair only inspired ghostly hall
minimalist discovery toned linger plucking airplane ball basses rhythmical sequence reverbed
themed tubas fairytale picked hero carried processed muddy after riser emphatic exploration
seductive bar mixing glory transition historical rhythmically excerpt higher ease used occasional
weddings suggestive reverberance rave empty casual rumbles empowering edgy dynamics pulsates
invigorating circus regular technique cheering clubs belonging droning constant speaks suited
underwater vast kind devotion friends murmuring warning shrill might charming float nightlife
buzzing drumline sine lots practice hopeless stops drones richness underpins speech documentaries
memories urgency added desolate forms cacophony mid induce undertones minimalistic rings
culminating story snippet accent response glass way sky spaceship fair resembles hat breezy gusty
middle indoor charge against growling varying phrases waiting harmoniously aggression player
whispers hearted vibrato snapping raindrops intermittently slide despair bongo reed breeze
heartening service howls dreamlike shouting well runs sub dropping enhancing resonates clip jet
place optimism gunshots narrates radio console shore pain tom surface syncopation abandoned
spacious practicing run bowed drenched duo howling backbeat racing sombre tea scifi profound
issues swaying punctuates hollywood recorder exuberance who manner potentially heartbeat ice cream
truck scales complement lingering percussionist transporting prayerful once serenades brings
similar sorrow lounging castle terrifying little compilation above aahs featured appeal delivering
feet countermelody plink led ceremonial regional ceremony wobbly sleigh again speakers dholak
unison motorcycle jangling events repeats too honor lilting strokes lost underlining echoey
tonality them finale count spring whistles brazilian help cheery fits element station
hydraulophone flickering characters changes beginning anticipating skilled skillfully wobble
chatter beep dreams innovative dangerous vibrations france elated underlies handclaps underground
been scream very man twinkling whooshing fall resonate screeching their listeners saxophones
passing narration realm laughter bounce amalgamation side granular emphasis survival presence
repetition captivated afternoon keeps sipping variations due highly movements doors passionately
respectively medley rustle pans neon piercingly confusion finality chattering within comes bars
overcoming strength trade unconventional impact ascending fingerwork rainstorm such twang
overdriven sincere snow outdoor commanding tragic halloween tremolo urgent opening repeatedly
uplift gathering motion accents qualities elicits level gurgling violas relationships past chaos
patriotic speed pace crime altering ad dog idles idle elegant landing earth shows solid steadily
laid vocables creaking unknown close bansuri island sun his whistling shifting chiming still
elegance eyes shadows tutorial local pianos moments abrasive structure random basic fresh diverse
amusing comedy animation joyfulness
`);

/** Common English words, roughly most common first. */
export const ENGLISH_WORDS = words(`
a he i they have had not word what we were all when how said she do will many write so these her
thing see him look come did number most people my know than call first now find any work take get
made round year came me give our name just form sentence great think say differ turn cause much
mean right boy tell does three small put read port spell land here must follow act why ask men
change went need picture try us animal point mother near self father head stand own page should
found answer grow learn plant food keep eye never last let thought tree cross farm start saw far
draw late press real few north seem next begin got walk example paper group always those mark
often letter until mile river care book carry took eat friend began idea fish mountain stop base
horse cut sure watch color face wood enough plain girl usual young ready ever red list talk soon
family direct pose leave measure door product black numeral class question happen complete ship
area order fire south problem told knew pass since king best hour better true hundred five
remember step early hold west ground interest reach verb sing six table travel less morning ten
several vowel toward lay person money serve appear map rule govern pull cold notice unit town fine
certain fly cry wait plan figure star noun field rest correct able pound done stood contain front
teach week final gave green oh develop minute special behind clear tail produce fact inch multiply
nothing course stay wheel force blue object decide moon foot system busy test boat common gold
possible plane stead dry laugh thousand ago ran check shape equate hot miss brought heat tire
bring yes east paint among am position arm sail material size vary settle speak weight general
matter circle pair divide syllable felt perhaps pick sudden square reason length represent art
subject region hunt probable bed brother egg cell believe fraction sit race window store prove
lone leg exercise wall catch mount wish board winter sat written wild kept grass cow job sign
visit gas weather month million bear finish flower clothe gone jump baby eight village meet buy
raise solve whether push seven paragraph third shall hair describe cook either result burn hill
safe cat century consider type law coast copy silent tall sand soil temperature industry value
fight lie excite view ear else quite broke case kill son lake observe straight consonant nation
dictionary milk method pay dress cloud surprise stone tiny climb design experiment bottom iron
stick twenty skin smile crease hole office receive row mouth exact symbol die least trouble shout
except wrote seed join suggest break lady yard rise bad blow oil blood grew cent team wire cost
brown wear garden equal sent choose fell bank collect save control decimal captain separate
difficult doctor please protect noon whose locate ring character insect caught period indicate
spoke atom human history expect crop student corner supply bone rail imagine agree thus capital
chair fruit thick soldier process operate guess necessary sharp wing neighbor wash bat rather corn
compare poem depend meat rub tube famous dollar stream fear sight thin planet hurry chief colony
mine tie enter search send yellow gun allow print dead spot desert current lift rose arrive master
parent division sheet substance favor connect spend fat glad original share dad bread proper offer
slave duck instant market degree populate chick dear enemy reply drink occur steam path log meant
quotient teeth shell neck oxygen sugar death pretty skill women season solution magnet silver
thank branch match suffix especially fig afraid sister discuss guide apple bought coat mass card
rope slip win evening condition feed tool total smell valley nor seat continue block chart sell
success company subtract particular deal swim term opposite wife shoe shoulder arrange camp invent
cotton born determine quart nine chance gather stretch throw shine property column molecule select
wrong gray repeat require prepare salt nose plural anger claim continent across actually ahead
alive alone already although amazing amount anyone anything anyway anywhere apart around artist
asleep attack attention audience autumn available average avoid awake away awesome bag became
because become bedroom beer below beside beyond bike birthday bitter blank blind bored boring boss
bottle brain brave breakfast breath breathe brief broken burning business candle capture careful
celebrate chapter cheap cheer choice cinema clever closer collection colorful comfortable coming
community confident confused connection couple courage crazy creative culture cup curious cute
cycle daily damage date daughter dawn deadline decade decision deeper definitely delicate
delicious desire destroy detail different dinner direction discover doing dozen drawing dreaming
dusk duty eager earn easily effort ending enjoy entire escape everybody everyone everything
everywhere evil exactly excellent excited expensive explain explore extra fabulous fading failure
faith fake familiar fan fancy fantastic fashion favorite fellow fever fifteen fifty finally
finished firm fix flag flash flight fool football forever forget forgive forgotten forty fourth
frame friday friendly friendship frozen gain gate genuine ghost gift glow goal god going golden
goodbye gorgeous grace grateful grey growing guest guy habit handle hang hate health healthy
heaven hello hidden hide highway honest honey horizon hotel however humor hungry hurt important
impossible inside inspire instead interesting itself jacket judge juice kid kiss kitchen knee
knife knowledge later lazy legend lesson library lights limit lion lips living lose loss lovely
luck lunch mad marriage married maybe meal meaning meeting memory midnight mirror mission mistake
mode model monday monster mouse murder muscle museum narrow nearly neither nervous news nice
nobody none normal novel odd okay opinion orange ordinary outside painting palace panic parade
park patient pause pen perform photo pink pipe plastic pleasure plenty pocket poetry police polite
pool popular price pride prince princess prison private prize promise proud public pure purple
queen quickly rainbow rare reality really rebel recent relax remote return risk robot roof rough
rush saturday secret seek serious shadow shake shiny shock shoot shy sick signal situation smart
smoke snake somebody sometimes somewhere sorry soup splash steal stranger stress strike stuff
sunday sunrise sunset super tale talent taste taxi tear teen television temple terrible theater
thirty thursday ticket tide tiger tired title today tomorrow tonight tour tower toy treasure trick
trust truth tuesday twelve twice ugly uncle understand union universe unusual upon upper useful
vacation wake wander waste weak wednesday weekend welcome wet whisper wine winner wise without
wonderful worker worry worth wrap writer yesterday zero zone gets getting goes stars hands hearts
nights days years colors clouds trees rivers mountains streets places things lovers worlds tears
smiles kisses walks flies moves looks works lives loves needs wants thinks knows says tells begins
ends starts turns grows dances laughs cries talks rides sleeps wakes waits watches flying rising
taking looking working loving needing wanting thinking knowing saying telling showing starting
stopping turning keeping leaving bringing laughing crying riding sleeping waking watching studying
reading writing cooking cleaning partying traveling travelling exploring remembering celebrating
focused heartbroken restless anxious scared calmer happier sadder brighter softer louder faster
slower warmer colder bigger smaller stronger weaker gentler heavier lighter older younger newer
worse worst fairly extremely totally completely absolutely truly simply fully barely hardly mostly
mainly partly rarely usually seldom easter funeral roadtrip commute gym concentration nap cocktail
cafe classroom woods hills meadow cities countryside snowy windy fog foggy mist cloudy
`);
