"""Hand-authored concept table for the moodc concept library (read by ``tools/make_data.py``).

Each category is one text block, one concept per line::

    name | alias, alias, ... | spec tokens | optional why-phrase

Spec tokens are ``key=value`` pairs over the V2 fields (short keys, see ``SPEC_KEYS`` in
``make_data.py``), bare labels that are unambiguous (``slow``, ``very_fast``, ``dark``,
``bright``, a mode name such as ``dorian``, a meter such as ``3/4``), and ``@other`` to start
from an earlier concept's spec. Anything not given comes from the category default, then the
global default; voices a spec leaves open (the bass and pad timbre, the melody style) follow
the style through ``DERIVED_DEFAULTS`` in ``make_data.py`` (rock → saw bass, walking bass →
plucked upright, jazz → electric-piano pad...). The musical choices are the product: tempo, mode, brightness, rhythm, the
instruments and the space are chosen the way a working musician would score the word.

Short keys: t tempo, b brightness, sp space, e echo, mo motion, st stereo, h human, d density,
m mode, bass/pad/mel/rh/tex/acc layer styles, lead/padi/bassi instruments, md melody_density,
sy syncopation, sw swing, pb phrase_bars, lp leaps, reg register low-high, harm harmony,
cr chord_rate, ext extensions, orn ornament, mr motif_repeat, cad cadence, ten tension.
"""

from __future__ import annotations

#: The spec every concept starts from: a balanced, mid-everything mood.
GLOBAL_DEFAULT = (
    "t=medium m=major b=medium sp=medium e=none mo=slow st=medium h=natural d=4 meter=4/4 "
    "bass=sustained pad=warm mel=lyrical rh=minimal tex=none acc=none "
    "lead=triangle padi=strings bassi=sine md=medium sy=light sw=none pb=4 lp=mostly_steps "
    "reg=4-5 harm=pop cr=medium ext=triads orn=light mr=sometimes cad=medium ten=arc"
)

#: Category → default spec applied on top of GLOBAL_DEFAULT.
CATEGORY_DEFAULTS: dict[str, str] = {
    "place": "sp=large st=wide mel=contemplative harm=ambient cr=slow",
    "time_of_day": "harm=ambient cr=slow",
    "weather": "slow sp=large st=wide harm=ambient cr=slow mel=contemplative d=5",
    "season": "d=5",
    "emotion": "",
    "activity": "",
    "culture": "d=5 orn=medium harm=modal st=wide",
    "era": "",
    "genre": "",
    "instrument": "d=4",
    "texture": "d=5 harm=ambient cr=slow",
    "colour": "slow harm=ambient mel=contemplative cr=slow sp=large",
    "abstract": "",
    "nature": "sp=large st=wide harm=ambient cr=slow mel=contemplative",
    "character": "d=5",
}

CATEGORY_BLOCKS: dict[str, str] = {}

CATEGORY_BLOCKS["place"] = """
ocean | sea, open sea, waves, the deep blue, high seas, sea breeze | slow lydian sp=vast st=ultra_wide tex=ocean pad=swell bass=drone lead=sine padi=strings cr=very_slow e=subtle d=5 md=sparse | swells of sound like waves
beach | seaside, seashore, shore, coast, sandy beach, beach day | medium major_pentatonic bright tex=ocean rh=soft_four lead=pluck padi=electric_piano bass=pulsing sy=light h=loose d=5 harm=pop | sun and surf
tropical island | island, desert island, tropics, paradise island | medium major_pentatonic bright tex=ocean rh=bossa lead=marimba padi=electric_piano bass=syncopated sy=medium d=5 harm=pop
lagoon | atoll, coral lagoon | slow lydian bright tex=ocean lead=marimba padi=strings pad=drift d=5
harbor | harbour, port, docks, marina, pier, wharf | slow mixolydian tex=ocean acc=bells lead=pluck padi=strings bass=sustained d=6 | ship bells on the water
lighthouse | beacon, lighthouse keeper | slow dorian dark tex=ocean acc=chime lead=sine padi=strings bass=drone e=medium d=6
forest | woods, woodland, trees, enchanted forest, grove | slow dorian tex=wind lead=flute padi=strings mel=lyrical bass=sustained harm=folk sp=large d=5 | woodwind in the trees
rainforest | jungle canopy, amazon, tropical forest | medium dorian tex=rain rh=minimal lead=marimba padi=strings acc=wood_block d=6 sy=medium
jungle | wilds, wild jungle | medium dorian dark rh=minimal lead=marimba acc=wood_block sy=medium h=loose tex=breath d=6 harm=modal
meadow | field, open field, grassland, wildflowers, prairie | slow major_pentatonic bright lead=flute padi=strings mel=lyrical harm=folk tex=wind d=5
garden | flower garden, backyard, greenhouse, rose garden | medium major bright lead=celesta padi=strings acc=chime harm=folk d=6 mel=lyrical
countryside | rural, farmland, village green, countryside lane | medium major lead=flute padi=strings bass=fifths harm=folk rh=soft_four d=4
farm | barn, ranch, homestead, farmyard | medium major lead=pluck padi=strings bass=fifths harm=folk rh=soft_four sw=light h=loose
vineyard | winery, wine country | slow major lead=pluck padi=strings harm=folk ext=sevenths sw=light 3/4 rh=waltz
orchard | apple orchard, fruit trees | slow major_pentatonic bright lead=flute padi=strings harm=folk
mountain | mountains, peak, summit, alps, highlands | slow dorian sp=vast lead=brass padi=strings pad=cinematic harm=cinematic mel=heroic tex=wind d=5 lp=leapy | heroic brass over a cinematic pad and vast space
valley | dale, glen, hollow | slow major lead=flute padi=strings harm=folk tex=wind d=5 sp=large
canyon | gorge, ravine, grand canyon | slow mixolydian sp=vast e=heavy lead=pluck padi=strings bass=drone tex=wind d=5 harm=modal
desert | dunes, sand dunes, sahara, wasteland, arid land | slow phrygian_dominant dark sp=vast tex=wind lead=ney padi=strings bass=drone pad=drift orn=medium d=5 harm=modal | vast sands, hot wind, a lone reed
oasis | desert spring, palm oasis | slow double_harmonic tex=breath lead=oud padi=strings rh=minimal orn=medium d=5 harm=modal
savanna | savannah, serengeti, plains of africa | medium mixolydian bright lead=marimba padi=strings rh=minimal acc=wood_block sy=medium h=loose d=6
tundra | permafrost, frozen plain, steppe | very_slow minor dark sp=vast tex=wind pad=thin_high lead=sine padi=strings bass=drone d=5 md=very_sparse
glacier | ice sheet, iceberg, ice field | very_slow lydian bright sp=vast tex=shimmer pad=thin_high lead=celesta padi=strings bass=drone md=very_sparse d=5
arctic | north pole, polar, antarctica, frozen north | very_slow minor sp=vast tex=wind pad=thin_high lead=bell padi=strings bass=drone md=very_sparse d=5 b=bright
volcano | lava, eruption, magma | medium phrygian very_dark rh=taiko bass=sub lead=brass padi=organ pad=dark harm=cinematic ten=ramp d=5 tex=noise_wash
swamp | bayou, marsh, bog, wetlands | slow blues dark tex=breath lead=pluck bass=walking padi=organ sw=medium h=loose harm=blues d=5
cave | cavern, grotto, underground | very_slow phrygian dark sp=vast e=heavy lead=bell padi=strings pad=dark bass=drone md=very_sparse d=4 | dripping echoes in the dark
underwater | under the sea, beneath the waves, submerged, seabed | very_slow lydian very_dark sp=vast tex=ocean pad=drift lead=sine padi=strings bass=sub e=heavy mo=slow d=5 | muffled very dark drift with ocean texture and sub bass
coral reef | reef, coral | slow lydian bright tex=ocean lead=marimba padi=strings pad=drift acc=chime d=6
deep sea | abyss, ocean floor, trench, deep ocean | very_slow locrian very_dark sp=vast tex=ocean pad=dark bass=sub lead=sine md=very_sparse d=5
river | stream, creek, brook, riverbank | slow major_pentatonic tex=ocean lead=flute padi=strings mel=lyrical harm=folk bass=pulsing d=5
lake | lakeside, pond, still water, loch | slow lydian tex=ocean lead=sine padi=strings pad=drift cr=very_slow d=5 md=sparse
waterfall | cascade, falls | medium lydian bright tex=noise_wash lead=celesta padi=strings bass=pulsing d=5 mel=falling
city | downtown, urban, metropolis, big city, streets | medium minor rh=electronic lead=electric_piano padi=strings bass=syncopated ext=sevenths sy=medium harm=jazz d=5 tex=noise_wash | syncopated bass, electric piano sevenths and street hum
new york | nyc, manhattan, brooklyn, big apple | medium minor rh=brush lead=brass padi=electric_piano bass=walking sw=medium harm=jazz ext=sevenths d=5 | jazz club walking bass, city hum
paris | parisian, french cafe, montmartre | medium major 3/4 rh=waltz lead=calliope padi=strings bass=fifths harm=jazz ext=sevenths orn=light | musette waltz
london | londoner, british city | medium dorian rh=soft_four lead=electric_piano padi=strings tex=rain harm=pop d=5
tokyo | shibuya, shinjuku, japanese city | fast in_sen bright rh=electronic lead=square_8bit padi=electric_piano bass=syncopated tex=glitch d=5 sy=medium | neon in_sen arpeggios
kyoto | japanese temple town, zen garden | slow in_sen lead=koto padi=strings pad=drift acc=chime sp=large d=6 md=sparse orn=medium
cairo | nile city, egyptian city | medium phrygian_dominant rh=maqsum lead=oud padi=strings bass=sustained orn=heavy harm=modal d=5
istanbul | constantinople, bosphorus | medium double_harmonic 7/8 rh=saidi lead=ney padi=strings orn=heavy harm=modal d=5
mumbai | bombay | fast phrygian_dominant rh=dhol lead=shehnai padi=strings pad=tanpura bass=pulsing orn=heavy d=5
rio | rio de janeiro, copacabana | medium major rh=bossa lead=pluck padi=electric_piano bass=syncopated harm=jazz ext=sevenths sy=medium
havana | cuban city | medium major rh=bossa lead=brass padi=electric_piano bass=syncopated sy=heavy harm=jazz ext=sevenths
venice | venetian, canals, gondola | slow major 6/8 lead=pluck padi=strings bass=fifths harm=folk tex=ocean d=5 mel=lyrical
small village | village, hamlet, little town, small town | medium major lead=flute padi=strings bass=fifths harm=folk rh=soft_four
suburb | suburbs, suburbia, cul-de-sac | medium major rh=soft_four lead=electric_piano padi=strings harm=pop
skyscraper | high rise, tower, penthouse | medium lydian bright rh=electronic lead=electric_piano padi=strings ext=ninths harm=jazz sp=large
rooftop | roof, on the roof, rooftop bar | slow dorian rh=soft_four lead=electric_piano padi=strings ext=sevenths harm=jazz tex=wind d=5
alley | back alley, alleyway | slow minor dark rh=brush lead=electric_piano bass=walking sw=medium ext=sevenths harm=jazz
neon city | neon lights, neon streets, neon | fast minor bright rh=electronic lead=saw padi=saw bass=octave e=medium d=5 tex=glitch
subway | metro, underground train, tube | medium minor rh=electronic bass=pulsing lead=electric_piano tex=noise_wash d=5 mo=medium
train station | railway station, platform | medium mixolydian rh=soft_four lead=pluck tex=noise_wash acc=chime d=6
airport | terminal, departure lounge, gate | medium lydian rh=soft_four lead=electric_piano padi=strings pad=drift acc=chime ext=ninths harm=ambient d=6
highway | freeway, motorway, interstate, open road | fast mixolydian bright rh=rock lead=saw bass=octave harm=pop ext=power
cathedral | basilica, nave | very_slow major sp=vast lead=choir padi=organ pad=swell bass=drone harm=cinematic acc=bells d=6 cad=strong
church | chapel, parish | slow major sp=large lead=organ padi=organ bass=sustained harm=folk cad=very_strong acc=bells d=6
temple | shrine, sanctuary, pagoda | very_slow in_sen sp=vast lead=bell padi=strings pad=drift acc=gong bass=drone md=very_sparse d=6
mosque | minaret, masjid | slow double_harmonic sp=vast lead=choir padi=strings bass=drone pad=drift orn=heavy harm=drone d=4
monastery | abbey, cloister, convent | very_slow dorian sp=vast lead=choir padi=organ bass=drone harm=modal md=sparse cad=strong
library | reading room, archive, bookshop, bookstore | slow major b=dark sp=small rh=none lead=electric_piano padi=strings tex=vinyl md=sparse st=narrow d=5 ext=sevenths harm=jazz
cafe | coffee shop, coffeehouse, espresso bar, bistro | medium major rh=brush lead=electric_piano padi=electric_piano bass=walking sw=light ext=sevenths harm=jazz sp=small | warm jazz chords and brushes
bar | pub, saloon, dive bar | medium blues rh=brush lead=electric_piano bass=walking sw=medium harm=blues ext=sevenths sp=small h=loose
tavern | inn, alehouse, mead hall | medium dorian 6/8 lead=flute padi=strings bass=fifths rh=soft_four harm=folk h=loose orn=medium
nightclub | club, dance club, disco floor | fast minor rh=four_on_floor bass=octave lead=saw padi=saw harm=pop d=5 tex=noise_wash e=subtle
casino | las vegas, vegas, gambling | fast major rh=brush lead=brass padi=electric_piano bass=walking sw=heavy harm=jazz ext=sevenths
market | marketplace, street market, farmers market | medium mixolydian rh=soft_four lead=pluck acc=wood_block sy=medium h=loose d=6
bazaar | souk, grand bazaar, spice market | medium phrygian_dominant rh=maqsum lead=oud padi=strings acc=wood_block orn=heavy h=loose d=6 harm=modal
castle | fortress, citadel, palace | medium harmonic_minor lead=brass padi=strings pad=cinematic harm=cinematic rh=march cad=strong
throne room | royal court, king's hall | slow major lead=brass padi=strings pad=cinematic rh=march harm=cinematic cad=very_strong acc=brass_hit d=6
dungeon | crypt, catacombs, prison cell | very_slow locrian very_dark sp=large e=medium lead=bell padi=strings pad=dark bass=drone rh=heartbeat d=4
haunted house | haunted mansion, spooky house, ghost house | slow whole_tone dark lead=celesta padi=organ pad=dark tex=wind e=medium d=5 mo=medium
graveyard | cemetery, tombstones, burial ground | very_slow minor very_dark lead=bell padi=organ pad=dark tex=wind bass=drone d=5 md=sparse
ruins | ancient ruins, ruined city, lost city | slow dorian dark sp=vast lead=flute padi=strings pad=drift tex=wind d=5
pyramid | pyramids, giza, tomb of the pharaohs | slow double_harmonic dark lead=ney padi=strings bass=drone rh=baladi orn=heavy harm=modal
battlefield | war zone, front line, battle ground | fast harmonic_minor dark rh=taiko lead=brass padi=strings pad=cinematic bass=pulsing harm=cinematic ten=ramp acc=brass_hit d=6
space | outer space, cosmos, the void of space, deep space, universe | very_slow lydian dark sp=vast e=heavy st=ultra_wide pad=drift lead=sine padi=strings bass=sub tex=stars d=5 md=very_sparse harm=ambient cr=very_slow | infinite reverb and starlight
spaceship | space station, starship, cockpit, mothership | medium lydian rh=electronic lead=sine padi=saw bass=pulsing tex=glitch e=medium d=5 harm=ambient
moon | lunar, moonlight, moonlit, moon landing | very_slow lydian dark sp=vast lead=celesta padi=strings pad=thin_high tex=stars d=5 md=sparse
mars | red planet, martian | slow phrygian dark sp=vast tex=wind lead=saw padi=strings pad=drift bass=drone d=5
alien planet | alien world, exoplanet, strange planet | slow whole_tone sp=vast lead=sine padi=saw pad=drift tex=glitch e=heavy mo=medium d=5
nebula | galaxy, star cluster, milky way | very_slow lydian sp=vast e=infinite st=ultra_wide tex=stars pad=drift lead=bell d=5 md=very_sparse
carnival | fair, funfair, fairground, amusement park | fast major bright 3/4 rh=waltz lead=calliope padi=organ bass=octave acc=glockenspiel d=6
circus | big top, clown show, circus tent | fast major bright rh=march lead=calliope padi=brass bass=octave acc=wood_block d=6 lp=leapy
arcade | game arcade, video arcade, pinball | very_fast major bright rh=chiptune lead=square_8bit padi=square_8bit bass=arpeggio acc=blip d=6 st=narrow
zoo | safari park, animal park | medium major bright lead=marimba rh=soft_four acc=wood_block lp=leapy d=6
hospital | ward, clinic, waiting room | slow major sp=dry rh=minimal lead=sine padi=strings pad=thin_high st=narrow acc=blip h=robotic d=6 md=sparse
office | workplace, cubicle, open office | medium major rh=soft_four lead=electric_piano padi=strings harm=pop h=tight sp=small
classroom | school, lecture hall, campus | medium major rh=soft_four lead=pluck padi=strings md=medium harm=pop sp=small
bedroom | my room, bedroom studio | slow major sp=small rh=soft_four lead=electric_piano padi=electric_piano tex=vinyl ext=sevenths harm=jazz d=5 st=narrow
kitchen | cooking at home, home kitchen | medium major rh=soft_four lead=pluck bass=walking sw=light harm=jazz ext=sevenths sp=small
factory | assembly line, mill, workshop | medium minor dark rh=electronic bass=pulsing lead=square_8bit h=robotic tex=noise_wash acc=wood_block d=6 mr=always
laboratory | lab, research lab | medium whole_tone rh=minimal lead=sine acc=blip tex=glitch h=robotic d=6
pirate ship | galleon, pirate deck, ship's deck | medium dorian 6/8 lead=flute padi=strings bass=fifths rh=march harm=folk tex=ocean d=5
shipwreck | sunken ship, wreck | very_slow minor very_dark tex=ocean lead=bell pad=dark bass=drone e=heavy d=5
mansion | manor, estate, stately home | slow major lead=electric_piano padi=strings ext=sevenths harm=jazz sp=medium cad=strong
hotel lobby | hotel, lobby, lounge bar | medium major rh=brush lead=electric_piano padi=strings bass=walking ext=ninths harm=jazz sw=light sp=small
elevator | lift, elevator ride | medium major rh=brush lead=electric_piano padi=strings ext=sevenths harm=jazz sp=small h=tight
cottage | cabin, log cabin, hut, lodge | slow major sp=small lead=pluck padi=strings tex=vinyl harm=folk d=5
fireplace | hearth, by the fire, campfire | slow major sp=small lead=pluck padi=strings tex=vinyl bass=sustained harm=folk d=5 st=narrow
"""

CATEGORY_BLOCKS["time_of_day"] = """
dawn | daybreak, first light, crack of dawn, break of day | very_slow lydian b=medium pad=swell lead=flute padi=strings mel=rising ten=ramp tex=stars d=5 md=sparse | light slowly rising
sunrise | sun rising, sunup | slow major bright pad=swell lead=flute padi=strings mel=rising ten=ramp d=4 | a pad swelling under a rising flute line
morning | early morning, a.m., good morning, wake up, breakfast | medium major bright rh=soft_four lead=pluck padi=strings mel=lyrical harm=pop | bright major key, plucked lead and a gentle four-beat lift
noon | midday, high noon, lunchtime | medium major very_bright rh=soft_four lead=pluck padi=strings harm=pop
afternoon | lazy afternoon, after lunch, siesta | slow major rh=soft_four lead=electric_piano padi=strings sw=light ext=sevenths harm=jazz h=loose
golden hour | magic hour, late afternoon light | slow lydian bright lead=electric_piano padi=strings pad=swell ext=ninths tex=shimmer d=5
sunset | sundown, setting sun | slow mixolydian b=medium lead=electric_piano padi=strings pad=swell mel=falling ext=sevenths harm=jazz ten=release | warm sevenths and a falling line as the light goes
dusk | twilight, gloaming, nightfall, evening twilight | slow dorian dark lead=sine padi=strings pad=drift mel=falling ext=sevenths d=4 ten=release
evening | tonight, after dark, early evening | slow major b=medium rh=brush lead=electric_piano padi=strings ext=sevenths harm=jazz
night | nighttime, at night, nocturnal, dark night | slow minor dark sp=large pad=drift lead=sine padi=strings mel=contemplative tex=stars d=5 md=sparse e=subtle harm=ambient | darkness, stillness, distance
midnight | the witching hour, twelve o'clock | slow minor very_dark sp=large lead=bell padi=strings pad=dark e=medium d=5 tex=stars md=sparse | sparse bells in the dark with a long echo
late night | late-night, after midnight, small hours, 3am, wee hours | slow dorian dark rh=soft_four lead=electric_piano padi=electric_piano ext=sevenths harm=jazz tex=vinyl d=5 sp=medium
bedtime | going to bed, before sleep, nighty night | very_slow major dark lead=celesta padi=strings pad=warm rh=none md=sparse st=narrow d=3 cad=strong
weekend | saturday, day off, the weekend | medium major bright rh=soft_four lead=pluck padi=electric_piano sy=light h=loose
monday morning | monday, start of the week | medium major rh=soft_four lead=electric_piano h=tight harm=pop
friday night | friday, tgif | fast minor rh=four_on_floor lead=saw bass=octave d=5 tex=noise_wash
lunch break | lunch hour, coffee break, tea time | medium major rh=brush lead=electric_piano sw=light harm=jazz ext=sevenths sp=small
rush hour | traffic jam, commute hour | fast minor rh=electronic lead=square_8bit bass=pulsing tex=noise_wash h=tight d=5
"""

CATEGORY_BLOCKS["weather"] = """
rain | raining, rainy, rainfall, rain drops, raindrops, showers | slow minor dark tex=rain lead=pluck padi=strings pad=warm bass=sustained e=subtle mel=falling md=sparse | rain texture, falling plucks
drizzle | light rain, sprinkle, spitting rain | slow dorian tex=rain lead=electric_piano padi=strings md=sparse ext=sevenths harm=jazz
thunderstorm | thunder, storm clouds, electrical storm | medium phrygian very_dark tex=rain rh=taiko bass=sub pad=dark lead=strings padi=strings harm=cinematic ten=ramp acc=gong d=6 | rumbling drums and rain
storm | stormy, tempest, gale, squall | fast harmonic_minor dark tex=wind rh=taiko bass=pulsing lead=strings padi=strings pad=cinematic harm=cinematic mo=fast ten=waves d=5 | driving drums, rushing wind and restless strings
lightning | lightning strike, flash of lightning | fast phrygian bright tex=noise_wash acc=brass_hit rh=taiko lead=saw d=6 mo=fast
monsoon | downpour, torrential rain, heavy rain, cloudburst | slow phrygian_dominant dark tex=rain pad=tanpura lead=bansuri padi=strings bass=drone rh=minimal d=5
snow | snowfall, snowy, snowflakes, fresh snow | slow major bright tex=shimmer lead=celesta padi=strings acc=glockenspiel pad=thin_high md=sparse d=6 e=subtle | soft bright bells like falling snow
blizzard | snowstorm, whiteout, snow storm | fast minor tex=wind lead=strings padi=strings pad=cinematic bass=drone mo=fast harm=cinematic d=5
fog | foggy, mist, misty, haze, hazy | very_slow dorian dark tex=breath pad=drift lead=sine padi=strings bass=drone e=medium md=very_sparse st=wide d=5 | blurred drones and breathy noise, nothing in focus
wind | windy, gusts, gust of wind, howling wind | slow dorian tex=wind lead=flute padi=strings pad=drift mo=medium d=5
breeze | gentle breeze, light wind, zephyr | slow major_pentatonic bright tex=wind lead=flute padi=strings mel=lyrical md=sparse d=5
hurricane | typhoon, cyclone | very_fast phrygian very_dark tex=wind rh=taiko bass=sub pad=cinematic lead=brass mo=chaotic ten=ramp harm=cinematic d=5
tornado | twister, whirlwind | very_fast locrian dark tex=noise_wash rh=taiko bass=pulsing mo=chaotic lead=saw d=5
sunshine | sunny, sunny day, sunlight, sun | medium major very_bright lead=pluck padi=strings rh=soft_four mel=lyrical harm=pop tex=shimmer d=5
heatwave | heat, scorching, sweltering, hot summer day | slow mixolydian bright tex=noise_wash lead=saw pad=drift h=loose mo=slow d=5
clouds | cloudy, overcast, grey sky, grey skies | slow dorian b=medium pad=drift lead=electric_piano padi=strings ext=sevenths md=sparse
rainbow | after the rain, rainbows | medium lydian very_bright tex=shimmer lead=celesta padi=strings acc=glockenspiel mel=arpeggio d=6
hail | hailstorm, hailstones | fast minor tex=rain acc=wood_block rh=minimal lead=pluck sy=heavy d=6
frost | frosty, hoarfrost, frozen morning | slow lydian bright tex=shimmer lead=celesta pad=thin_high md=sparse d=5
ice | icy, frozen, frozen lake | very_slow lydian very_bright tex=shimmer lead=bell padi=strings pad=thin_high md=very_sparse d=5 e=medium
aurora | northern lights, aurora borealis, polar lights | very_slow lydian bright sp=vast e=heavy tex=shimmer pad=swell lead=sine st=ultra_wide mo=medium d=5
sandstorm | dust storm, haboob | fast phrygian_dominant dark tex=noise_wash rh=saidi lead=ney mo=fast orn=heavy d=5
humid | muggy, sticky heat, tropical heat | slow mixolydian tex=breath lead=electric_piano sw=light h=loose ext=ninths harm=jazz d=5
dew | morning dew, dewdrops | slow lydian bright tex=shimmer lead=celesta md=sparse acc=chime d=6
clear sky | blue sky, cloudless, clear day | medium major very_bright lead=flute padi=strings mel=lyrical sp=vast d=4
calm weather | windless, still air, calm sea, doldrums | very_slow major pad=drift lead=sine rh=none md=very_sparse d=3 mo=static
cold | chilly, freezing, icy cold, bitter cold | slow minor bright tex=wind lead=bell pad=thin_high md=sparse d=5 b=bright
warm | warmth, balmy, mild, warm air | slow major dark lead=electric_piano padi=strings pad=warm ext=sevenths harm=jazz
"""

CATEGORY_BLOCKS["season"] = """
spring | springtime, blossom, cherry blossom, april, may, bloom | medium major bright lead=flute padi=strings mel=rising acc=chime harm=folk d=6 ten=ramp | rising flute line, chimes, bright major
summer | summertime, summer holiday, july, august, summer vacation | medium major_pentatonic very_bright rh=soft_four lead=pluck padi=electric_piano bass=syncopated sy=medium tex=ocean | very bright pentatonic plucks, surf and syncopation
autumn | fall, autumnal, falling leaves, october, november | slow dorian dark lead=pluck padi=strings mel=falling ext=sevenths harm=folk tex=wind ten=release | dorian plucks falling, sevenths and a cool wind
winter | wintertime, wintry, december, january, midwinter | slow minor bright tex=wind lead=celesta padi=strings pad=thin_high md=sparse acc=bells d=6 | sparse celesta and bells over cold wind
christmas | xmas, christmas eve, yuletide, noel, santa, holiday season | medium major bright lead=celesta padi=strings acc=sleigh_bells rh=soft_four bass=walking sw=light harm=pop cad=strong d=6 | celesta, sleigh bells, major key
halloween | spooky season, trick or treat, all hallows eve, jack-o-lantern | medium whole_tone dark lead=organ padi=organ pad=dark tex=wind bass=walking acc=gong d=6 mo=medium | whole-tone organ, walking bass, wind and gong
new year | new year's eve, countdown, happy new year, nye | fast major bright rh=four_on_floor lead=brass acc=bells bass=octave d=6 harm=pop ten=ramp
easter | easter morning, easter sunday | medium major bright lead=flute padi=organ acc=bells harm=folk cad=strong d=6
valentine's day | valentines, valentine, february 14 | slow major lead=electric_piano padi=strings ext=sevenths harm=jazz mel=lyrical
thanksgiving | harvest dinner, family feast | medium major lead=pluck padi=strings harm=folk bass=fifths cad=strong sp=small
harvest | harvest festival, harvest time, reaping | medium mixolydian lead=flute padi=strings rh=soft_four harm=folk bass=fifths h=loose
diwali | festival of lights, deepavali | fast major rh=dhol pad=tanpura lead=shehnai padi=strings bass=pulsing acc=bells orn=heavy d=6
holi | festival of colours, festival of colors | fast mixolydian very_bright rh=dhol lead=shehnai pad=tanpura orn=heavy acc=bells d=6
ramadan | iftar, suhoor | slow phrygian_dominant lead=ney padi=strings pad=drift bass=drone orn=heavy harm=drone sp=large
eid | eid al-fitr, eid celebration | medium phrygian_dominant bright rh=maqsum lead=oud padi=strings acc=bells orn=heavy d=6
lunar new year | chinese new year, spring festival, year of the dragon | fast major_pentatonic bright rh=taiko lead=flute acc=gong padi=strings d=6 harm=folk
hanukkah | chanukah, festival of candles | medium harmonic_minor lead=flute padi=strings acc=chime harm=folk d=6 orn=medium
day of the dead | dia de los muertos, ofrenda | medium harmonic_minor 3/4 rh=waltz lead=brass padi=strings bass=fifths acc=bells d=6 harm=folk
oktoberfest | beer festival, beer hall | fast major 2/4 rh=march lead=tuba padi=brass bass=octave harm=folk h=loose
midsummer | solstice, summer solstice, st john's eve | medium mixolydian bright 6/8 lead=flute padi=strings harm=folk rh=soft_four tex=wind d=5
birthday | birthday party, happy birthday, turning thirty | fast major bright rh=soft_four lead=celesta padi=electric_piano acc=glockenspiel cad=strong d=6
wedding | marriage, wedding day, bride, newlyweds, first dance | slow major bright lead=strings padi=organ pad=swell harm=cinematic acc=bells cad=very_strong d=6 mel=lyrical | bright major strings and organ, bells, a strong cadence
funeral | burial, memorial service, wake, mourning, requiem | very_slow minor dark sp=large lead=organ padi=organ pad=dark bass=drone rh=none harm=cinematic cad=strong md=sparse d=3 | organ, slow minor, dark
graduation | commencement, graduation day, diploma | medium major bright rh=march lead=brass padi=strings harm=cinematic cad=very_strong mel=heroic
"""

CATEGORY_BLOCKS["emotion"] = """
happy | happiness, glad, cheerful, upbeat, good mood, feel good | fast major bright rh=soft_four lead=pluck padi=electric_piano bass=pulsing mel=lyrical harm=pop cad=strong | fast major key, bright plucks and a bouncing beat
joy | joyful, joyous, elated, delight, delighted | fast major very_bright rh=soft_four lead=celesta padi=strings mel=rising acc=glockenspiel lp=leapy d=6
euphoria | euphoric, ecstatic, bliss, blissful, rapture | fast lydian very_bright rh=four_on_floor lead=saw padi=saw pad=swell ten=ramp tex=shimmer d=5 st=ultra_wide
sad | sadness, sorrow, sorrowful, unhappy, down, blue, tears, crying | slow minor dark lead=strings padi=strings mel=falling bass=sustained rh=none md=sparse ten=release d=3 | slow minor, falling strings, no drums
melancholy | melancholic, gloomy, pensive, downcast | slow dorian dark lead=electric_piano padi=strings ext=sevenths mel=contemplative md=sparse harm=jazz
grief | grieving, bereavement, loss, lament, heartache | very_slow minor very_dark lead=strings padi=strings pad=dark mel=falling bass=drone rh=none md=sparse d=3 harm=cinematic
despair | hopeless, hopelessness, desolation, anguish | very_slow locrian very_dark lead=strings pad=dark bass=drone rh=none d=3 ten=flat
calm | calmness, relaxed, relaxing, chill, at ease, unwind, chilled | slow major pad=warm lead=electric_piano padi=strings rh=none md=sparse mo=slow harm=ambient d=3 e=subtle | slow, sparse and warm, no beat
peaceful | peace, tranquil, tranquility, serene, serenity, stillness | very_slow lydian pad=drift lead=sine padi=strings rh=none md=very_sparse harm=ambient d=3 sp=large
anxious | anxiety, nervous, worried, uneasy, jittery, on edge | fast locrian dark rh=heartbeat bass=pulsing lead=pluck tex=glitch mo=fast sy=heavy d=5 ten=waves | fast heartbeat pulse, locrian unease, glitchy texture
tense | tension, suspenseful, strained, nail-biting | medium harmonic_minor dark rh=heartbeat bass=pulsing pad=dark lead=strings ten=ramp harm=cinematic md=sparse
suspense | suspense thriller, cliffhanger, anticipation | medium phrygian dark rh=heartbeat bass=pulsing pad=cinematic lead=strings harm=cinematic ten=ramp md=sparse
fear | afraid, scared, scary, frightened, fright | medium locrian very_dark rh=heartbeat bass=sub pad=dark lead=strings tex=wind mo=fast d=5 | heartbeat drum, sub bass and dark locrian strings
terror | terrified, horror, dread, panic | fast locrian very_dark rh=taiko bass=sub pad=dark lead=strings tex=noise_wash mo=chaotic d=5 ten=ramp acc=brass_hit
eerie | uncanny, unsettling, spooky, creepy | slow whole_tone dark pad=dark lead=celesta e=medium tex=wind md=sparse d=5 mo=medium
sinister | menacing, evil, malevolent, ominous, threatening | slow phrygian very_dark bass=sub pad=dark lead=brass padi=organ rh=heartbeat harm=cinematic
anger | angry, rage, furious, fury, mad, wrath | very_fast phrygian dark rh=rock bass=octave lead=saw padi=saw ext=power h=tight d=5 tex=noise_wash | very fast phrygian power chords
love | loving, in love, affection, adoration, romance | slow major lead=strings padi=strings ext=sevenths mel=lyrical harm=cinematic pad=warm | lyrical strings and warm sevenths
romantic | romance, candlelight, intimate evening, date | slow major dark lead=electric_piano padi=strings bass=walking sw=light ext=ninths harm=jazz rh=brush
longing | yearning, pining, missing you, ache | slow dorian lead=strings padi=strings mel=rising ext=sevenths harm=cinematic ten=arc md=sparse
nostalgia | nostalgic, reminiscing, memories, the old days, remembering | slow major dark tex=vinyl lead=electric_piano padi=strings ext=sevenths harm=jazz h=loose d=5 | tape warmth and seventh chords
hope | hopeful, optimism, optimistic, better days | medium major bright lead=strings padi=strings mel=rising pad=swell harm=cinematic ten=ramp | a rising string line over a swelling pad
wonder | awe, amazement, astonishment, marvel, awe-struck | slow lydian bright sp=vast lead=celesta padi=strings pad=swell acc=glockenspiel harm=cinematic d=6
curiosity | curious, inquisitive, intrigue | medium lydian lead=pluck padi=strings mel=call_response md=medium lp=leapy acc=blip d=6
playful | fun, frolic, frisky | fast major bright lead=marimba bass=walking rh=soft_four lp=leapy sy=medium acc=wood_block d=6
silly | goofy, comedic, funny, zany, wacky | fast major bright lead=calliope bass=octave rh=march lp=very_leapy acc=wood_block d=6
mischievous | sneaky, cheeky, naughty, sly | medium minor lead=pluck bass=walking rh=minimal sy=heavy lp=leapy acc=wood_block md=sparse d=6
confident | confidence, swagger, bold, self-assured | medium mixolydian rh=rock bass=octave lead=brass harm=pop ext=power sy=medium cad=strong
triumphant | triumph, victorious, glorious, glory | fast major bright rh=march lead=brass padi=strings pad=cinematic mel=heroic acc=brass_hit harm=cinematic cad=very_strong d=6
proud | pride, dignified, noble | medium major lead=brass padi=strings mel=heroic rh=march harm=cinematic cad=strong
determined | determination, resolve, perseverance, grit | medium dorian rh=rock lead=brass padi=strings bass=pulsing ten=ramp harm=cinematic
bittersweet | wistful, poignant, tender sadness | slow mixolydian lead=electric_piano padi=strings ext=sevenths harm=jazz mel=falling
dreamy | dream-like, dreamlike, reverie, hazy dream | slow lydian lead=electric_piano padi=strings pad=drift e=heavy tex=shimmer ext=ninths d=5 mo=medium st=wide
sleepy | drowsy, tired, yawning, sluggish, exhausted | very_slow major dark lead=sine pad=warm rh=none md=very_sparse d=3 st=narrow h=loose
bored | boredom, dull, monotonous, tedious | slow minor rh=minimal lead=sine md=sparse mr=always mo=static h=robotic ten=flat
restless | fidgety, impatient, agitated | fast minor rh=electronic bass=pulsing lead=pluck sy=heavy mo=fast h=tight
excited | excitement, thrilled, pumped, hyped | fast major bright rh=four_on_floor bass=octave lead=saw padi=saw ten=ramp d=5 tex=noise_wash
shy | timid, bashful, hesitant | slow major lead=celesta md=very_sparse rh=none st=narrow sp=small d=3
tender | tenderness, gentle, soft-hearted, caring | slow major lead=flute padi=strings md=sparse mel=lyrical harm=folk ext=sus
cozy | cosy, snug, comfy, hygge, comforting | slow major dark sp=small tex=vinyl lead=electric_piano padi=electric_piano ext=sevenths harm=jazz rh=brush d=5 | warm keys and vinyl crackle
content | contentment, satisfied, fulfilled | medium major lead=pluck padi=strings harm=folk rh=soft_four cad=strong
grateful | gratitude, thankful, blessed | slow major bright lead=strings padi=organ harm=folk cad=strong pad=swell
relief | relieved, exhale, weight off | slow major lead=strings pad=swell mel=falling ten=release cad=strong
regret | remorse, guilt, shame, if only | slow harmonic_minor dark lead=strings padi=strings mel=falling md=sparse harm=cinematic
jealousy | jealous, envy, envious | medium harmonic_minor dark lead=strings bass=pulsing sy=medium pad=dark harm=cinematic
mystery | mysterious, enigma, enigmatic, secret, unknown | slow phrygian dark lead=celesta padi=strings pad=drift e=medium md=sparse harm=cinematic
lonely | loneliness, alone, solitude, isolated, solitary | slow minor dark sp=vast lead=sine padi=strings rh=none md=very_sparse d=3 e=heavy
heartbreak | heartbroken, broken heart, breakup, break up | slow minor dark lead=electric_piano padi=strings mel=falling ext=sevenths harm=pop rh=soft_four
defiant | defiance, rebellious, rebel, rebellion, resistance | fast minor rh=rock bass=octave lead=saw ext=power harm=pop h=loose d=5
free | freedom, liberated, unbound, carefree | medium mixolydian bright lead=flute padi=strings rh=soft_four sp=vast mel=rising lp=leapy
lighthearted | light-hearted, breezy, easygoing | medium major bright lead=pluck rh=soft_four sw=light bass=walking harm=pop
solemn | grave, sombre, somber, serious, reverent | very_slow minor dark lead=organ padi=organ harm=cinematic cad=strong rh=none md=sparse d=3
spiritual | sacred, holy, divine, transcendent, prayerful | very_slow lydian sp=vast lead=choir padi=strings pad=swell harm=drone cad=strong d=4
focused | focus, concentration, concentrate, in the zone, flow state, deep work | medium dorian rh=soft_four lead=electric_piano bass=pulsing md=sparse mr=often h=tight harm=ambient sp=small st=narrow | steady soft pulse, repeating motif, few distractions
passionate | passion, fiery, ardent, intense love | fast harmonic_minor lead=strings bass=syncopated rh=bossa sy=heavy harm=cinematic orn=medium
sensual | seductive, sultry, sexy, steamy | slow dorian dark rh=soft_four lead=electric_piano bass=syncopated sw=medium ext=ninths harm=jazz
frustration | frustrated, annoyed, irritated, fed up | fast locrian rh=rock bass=pulsing lead=saw sy=heavy h=loose tex=glitch d=5
confusion | confused, disoriented, bewildered, lost in thought | medium whole_tone lead=pluck e=heavy tex=glitch lp=very_leapy mo=chaotic d=5
vulnerable | fragile heart, exposed, raw emotion | slow minor lead=electric_piano md=very_sparse rh=none st=narrow sp=small d=3
brave | bravery, courage, courageous, fearless, valiant | fast dorian rh=march lead=brass padi=strings mel=heroic pad=cinematic harm=cinematic ten=ramp
homesick | homesickness, far from home, missing home | slow major dark lead=flute padi=strings harm=folk mel=falling md=sparse ext=sus
smug | self-satisfied, cocky | medium mixolydian lead=brass bass=walking sw=medium rh=brush harm=jazz ext=sevenths
awkward | cringe, embarrassed, embarrassment | medium whole_tone lead=calliope rh=minimal lp=very_leapy sy=heavy h=drunk md=sparse
"""

CATEGORY_BLOCKS["activity"] = """
studying | study, studying for exams, homework, revision, cramming | medium dorian rh=soft_four lead=electric_piano padi=electric_piano tex=vinyl ext=sevenths harm=jazz md=sparse sp=small h=loose d=5 | lofi keys, soft beat, low distraction
coding | programming, hacking, writing code, debugging | medium minor rh=electronic lead=sine bass=pulsing mr=often md=sparse h=tight tex=glitch d=5 harm=ambient
reading | reading a book, bookworm, novel | slow major rh=none lead=electric_piano padi=strings md=sparse harm=jazz ext=sevenths sp=small d=3
writing | writing a novel, journaling, poetry | slow dorian rh=none lead=electric_piano padi=strings md=sparse tex=vinyl d=5 harm=jazz ext=sevenths
sleep | sleeping, falling asleep, deep sleep, insomnia, nap | very_slow major very_dark rh=none lead=sine padi=strings pad=warm md=very_sparse d=2 mo=slow st=narrow cr=very_slow cad=weak | barely moving, dark, no beat
meditation | meditate, mindfulness, breathing exercise, zen | very_slow major_pentatonic dark rh=none lead=bell pad=drift bass=drone acc=gong md=very_sparse harm=drone cr=very_slow d=6 sp=vast | drone, gong and almost no melody
yoga | stretching, pilates | slow lydian rh=none lead=flute pad=drift bass=drone md=sparse harm=drone d=4 tex=breath
running | run, jogging, jog, marathon, sprint | fast minor rh=four_on_floor bass=octave lead=saw h=tight mr=often d=5 ten=ramp
workout | gym, exercise, training session, lifting, cardio | very_fast minor rh=four_on_floor bass=octave lead=saw padi=saw h=robotic ext=power d=5 tex=noise_wash | very fast four-on-the-floor, saw leads, robotic tightness
cycling | bike ride, biking, bicycle | fast mixolydian bright rh=soft_four bass=pulsing lead=pluck tex=wind d=5
hiking | hike, trekking, trail, walking in the hills | medium mixolydian rh=soft_four lead=flute bass=walking harm=folk tex=wind d=5 mel=rising
walking | walk, stroll, wander, wandering, strolling | medium major rh=soft_four lead=pluck bass=walking harm=folk sw=light
driving | drive, car ride, road trip, cruising, night drive | medium mixolydian rh=electronic bass=pulsing lead=saw padi=saw e=medium d=5 harm=pop tex=noise_wash | pulsing bass and electronic drums under a saw lead
cooking | baking, cooking dinner, chef | medium major rh=brush bass=walking lead=electric_piano sw=light ext=sevenths harm=jazz sp=small
cleaning | tidying, chores, housework, spring cleaning | fast major rh=four_on_floor bass=syncopated lead=pluck sy=medium harm=pop
gardening | planting, weeding, potting | slow major_pentatonic lead=flute rh=soft_four harm=folk tex=wind d=5
painting | drawing, sketching, art studio | slow lydian lead=electric_piano padi=strings ext=ninths md=sparse harm=jazz e=subtle
dancing | dance, dance party, boogie, dance floor | fast major rh=four_on_floor bass=syncopated lead=saw sy=medium d=5 harm=pop tex=noise_wash
partying | party, house party, celebration, celebrate | fast major bright rh=four_on_floor bass=octave lead=saw acc=blip d=6 harm=pop
gaming | video games, playing games, gamer | fast minor bright rh=electronic lead=square_8bit bass=arpeggio acc=blip d=6 mr=often
boss fight | final boss, boss battle, showdown | very_fast harmonic_minor dark rh=rock lead=saw padi=organ bass=octave ext=power acc=brass_hit ten=ramp d=6 harm=cinematic
exploring | exploration, explore, discovery, expedition | medium lydian lead=flute padi=strings rh=soft_four mel=rising harm=cinematic sp=large
adventure | adventurous, quest, journey, voyage, epic journey | fast dorian lead=brass padi=strings pad=cinematic rh=march mel=heroic harm=cinematic lp=leapy ten=ramp
sailing | boat, sailboat, voyage at sea, set sail | medium mixolydian 6/8 lead=flute padi=strings tex=ocean bass=fifths harm=folk d=5
swimming | swim, pool, pool party | medium lydian bright tex=ocean lead=electric_piano pad=drift rh=soft_four d=5
surfing | surf, surfers, catching waves | fast mixolydian bright rh=rock lead=pluck e=medium tex=ocean bass=walking d=5
skiing | ski, snowboarding, slopes | fast major bright rh=electronic lead=pluck tex=wind bass=pulsing d=5
fishing | fishing trip, angling, casting a line | slow major_pentatonic lead=pluck bass=fifths harm=folk tex=ocean h=loose d=5 md=sparse
camping | campsite, tent, camping trip, campfire stories | slow major lead=pluck padi=strings harm=folk tex=wind bass=fifths d=5 sp=large
stargazing | looking at the stars, star gazing, telescope | very_slow lydian dark sp=vast tex=stars lead=celesta pad=drift d=5 md=very_sparse
commuting | commute, bus ride, on the train, morning commute | medium dorian rh=soft_four lead=electric_piano bass=pulsing tex=noise_wash d=5 harm=pop
shopping | mall, shopping spree, retail | medium major bright rh=soft_four lead=electric_piano ext=sevenths harm=jazz sw=light
picnic | picnic in the park, lunch on the grass | medium major bright lead=flute rh=soft_four harm=folk acc=chime d=6
tea ceremony | tea house, matcha, chanoyu | very_slow in_sen lead=koto pad=drift md=very_sparse acc=chime rh=none d=6 orn=light sp=medium
chess | chess match, strategy, thinking game | slow harmonic_minor lead=electric_piano bass=walking md=sparse harm=cinematic rh=minimal
detective | investigation, noir detective, sleuth, whodunit, clues | slow minor dark rh=brush lead=brass bass=walking sw=medium ext=sevenths harm=jazz d=4
heist | robbery, bank job, caper, the job | medium dorian rh=brush bass=walking lead=brass sy=heavy sw=light harm=jazz ext=sevenths ten=ramp
chase | car chase, pursuit, on the run, escape | very_fast minor rh=rock bass=pulsing lead=strings padi=strings harm=cinematic ten=ramp mo=fast d=5
battle | fight, combat, war, clash, sword fight | fast harmonic_minor dark rh=taiko lead=brass padi=strings pad=cinematic bass=pulsing acc=brass_hit harm=cinematic ten=ramp d=6 | war drums and brass
marching | march past, parade, soldiers marching, procession | medium major 2/4 rh=march lead=brass padi=brass bass=octave cad=strong harm=folk
prayer | praying, vigil, worship | very_slow major sp=vast lead=choir padi=organ pad=swell harm=drone cad=strong d=4
lullaby time | rocking a baby, putting kids to bed, cradle | very_slow major 3/4 lead=celesta padi=strings rh=none md=sparse cad=very_strong d=3 st=narrow
flying | flight, soaring, gliding, take off, flying high | fast lydian bright sp=vast lead=strings padi=strings pad=swell mel=rising harm=cinematic tex=wind ten=ramp d=5
floating | drifting, weightless float, hovering, adrift | very_slow lydian pad=drift lead=sine e=heavy rh=none md=very_sparse d=4 st=ultra_wide
falling | free fall, plunging, sinking | medium whole_tone dark mel=falling lead=strings pad=drift e=heavy ten=release
waiting | waiting room, on hold, queue, killing time | slow major rh=brush lead=electric_piano md=sparse mr=always ext=sevenths harm=jazz sp=small
working | work, productive, getting things done, productivity | medium major rh=soft_four lead=electric_piano bass=pulsing md=sparse h=tight harm=pop
brainstorming | ideas, thinking, creative session, problem solving | medium lydian rh=soft_four lead=pluck md=medium lp=leapy harm=pop acc=blip d=6
daydreaming | daydream, zoning out, mind wandering | slow lydian lead=electric_piano pad=drift e=medium tex=shimmer md=sparse d=5 ext=ninths
knitting | crochet, sewing, quilting | slow major sp=small lead=pluck rh=none md=sparse tex=vinyl harm=folk d=5
rave | raving, warehouse party, all-nighter | very_fast minor rh=four_on_floor bass=octave lead=saw padi=saw tex=noise_wash e=medium d=5 h=robotic
concert | live show, gig, stadium show | fast major rh=rock bass=octave lead=saw ext=power sp=large d=5
karaoke | singalong, sing-along | fast major bright rh=four_on_floor lead=electric_piano bass=octave harm=pop cad=very_strong
spy mission | espionage, secret agent, infiltration, stealth | medium minor dark rh=brush bass=walking lead=brass sw=light sy=heavy ext=sevenths harm=jazz ten=ramp
space travel | interstellar travel, warp speed, space flight, launch | fast lydian rh=electronic lead=saw padi=strings pad=cinematic tex=stars e=medium harm=cinematic ten=ramp d=5
time travel | time machine, time warp | medium whole_tone rh=electronic lead=sine pad=drift e=heavy tex=glitch d=5 mo=fast
treasure hunt | treasure, hidden treasure, map quest | medium dorian lead=marimba bass=walking rh=soft_four lp=leapy acc=wood_block d=6
horse riding | horseback, riding horses, gallop, galloping | fast mixolydian 6/8 lead=strings bass=pulsing rh=march harm=folk
train journey | train ride, railway journey, sleeper train | medium mixolydian rh=soft_four bass=pulsing lead=pluck mr=often tex=noise_wash d=5
skateboarding | skating, skatepark | fast mixolydian rh=rock lead=pluck bass=walking sy=medium harm=pop h=loose
spa | massage, sauna, hot bath, bath, spa day | very_slow lydian pad=drift lead=sine tex=ocean rh=none md=very_sparse d=5 harm=ambient
climbing | rock climbing, bouldering, ascent | fast dorian lead=brass pad=cinematic rh=soft_four mel=rising ten=ramp harm=cinematic
wine tasting | wine bar, sommelier | slow major lead=electric_piano bass=walking rh=brush ext=ninths harm=jazz sp=small
babysitting | playtime, kids playing, toddler | medium major bright lead=celesta rh=soft_four acc=glockenspiel lp=leapy d=6
"""

CATEGORY_BLOCKS["culture"] = """
arabian | arab, arabic, arabia, middle eastern, middle east | medium phrygian_dominant rh=maqsum lead=oud padi=strings bass=sustained pad=drift orn=heavy d=5 | hijaz mode, oud, maqsum drum
arabian nights | 1001 nights, thousand and one nights, one thousand and one nights, scheherazade, aladdin | slow phrygian_dominant dark rh=maqsum lead=oud padi=strings pad=drift bass=drone orn=heavy tex=stars sp=large e=subtle d=5 | a moonlit tale: hijaz on oud over a soft maqsum and a drone
egyptian | egypt, nile, pharaoh, pharaohs | medium double_harmonic rh=baladi lead=ney padi=strings bass=sustained orn=heavy d=5
persian | persia, iran, iranian, tehran | slow double_harmonic rh=minimal lead=ney padi=strings pad=drift orn=florid d=5 mel=ornamental
turkish | turkey, ottoman, anatolian | medium phrygian_dominant 7/8 rh=saidi lead=ney padi=strings orn=heavy mel=ornamental
moroccan | morocco, marrakech, maghreb, casablanca | medium phrygian_dominant rh=baladi lead=oud padi=strings acc=wood_block orn=heavy h=loose d=6
bedouin | nomads, caravan, camel caravan, desert nomads | slow phrygian_dominant rh=saidi lead=ney bass=drone tex=wind orn=heavy d=5
lebanese | lebanon, beirut, levantine | medium phrygian_dominant rh=maqsum lead=oud padi=strings orn=heavy
sufi | whirling dervish, dervish, sama | medium double_harmonic rh=saidi lead=ney bass=drone pad=drift orn=heavy ten=ramp
indian | india, hindustani, desi, north indian | medium phrygian_dominant pad=tanpura lead=sitar padi=strings bass=drone rh=teental orn=heavy mel=ornamental d=5 harm=drone | tanpura drone, sitar, teental
raga | classical indian, hindustani classical, alap | slow phrygian_dominant pad=tanpura lead=sitar bass=drone rh=teental orn=florid mel=ornamental harm=drone md=sparse
carnatic | south indian, karnatak | medium harmonic_minor pad=tanpura lead=bansuri bass=drone rh=teental orn=florid mel=ornamental harm=drone
bollywood | hindi film, filmi | fast harmonic_minor rh=dhol lead=shehnai padi=strings bass=pulsing orn=heavy harm=pop d=5
punjabi | punjab, bhangra beat | fast mixolydian rh=dhol lead=shehnai bass=pulsing orn=medium h=loose d=5
bengali | bengal, kolkata | slow major pad=tanpura lead=bansuri padi=strings rh=teental orn=medium harm=folk
nepali | nepal, himalaya, himalayas, tibet, tibetan | slow major_pentatonic lead=bansuri pad=drift bass=drone acc=gong sp=vast orn=medium d=6
chinese | china, beijing, shanghai | slow major_pentatonic lead=erhu bassi=guzheng bass=arpeggio pad=none acc=wood_block orn=heavy rh=none d=6 harm=folk | pentatonic erhu sliding over guzheng glissandi
japanese | japan, nippon | slow hirajoshi lead=koto padi=strings pad=drift acc=chime orn=medium md=sparse d=6 | hirajoshi scale and koto
okinawan | okinawa, ryukyu | medium major_pentatonic lead=koto rh=soft_four orn=light harm=folk
korean | korea, seoul | medium minor_pentatonic lead=flute padi=strings orn=medium rh=minimal harm=folk
balinese | bali, gamelan, indonesia, gong kebyar | medium pelog lead=gamelan padi=gamelan bassi=gamelan rh=gong_cycle mr=often d=5 harm=folk cr=slow orn=none b=bright | pelog bronze metallophones interlocking over a gong cycle
javanese | java, javanese gamelan, yogyakarta, surakarta | slow slendro lead=gamelan padi=gamelan bassi=gamelan rh=gong_cycle mr=often d=5 harm=folk cr=slow orn=none sp=large | slendro gamelan, soft bronze over the gong cycle
thai | thailand, bangkok | medium major_pentatonic lead=marimba acc=chime rh=minimal orn=medium d=6 harm=folk
vietnamese | vietnam, hanoi, saigon | slow minor_pentatonic lead=koto padi=strings orn=heavy md=sparse harm=folk
mongolian | mongolia, steppe riders, throat singing | slow major_pentatonic lead=strings bass=drone rh=march tex=wind harm=drone d=5 sp=vast
russian | russia, moscow, siberia | slow harmonic_minor lead=strings padi=choir harm=cinematic bass=sustained orn=light
balkan | balkans, serbian, bulgarian, macedonian | fast harmonic_minor 7/8 rh=march lead=brass bass=octave orn=heavy sy=medium h=loose
greek | greece, athens, aegean, rebetiko | medium phrygian_dominant lead=pluck bass=fifths rh=soft_four orn=medium harm=folk
italian | italy, rome, tuscany, napoli, neapolitan | medium major lead=pluck padi=strings bass=fifths rh=soft_four harm=folk mel=lyrical
spanish | spain, madrid, seville, andalusian, andalusia | medium spanish_phrygian 12/8 lead=nylon_guitar padi=nylon_guitar rh=flamenco harm=andalusian cr=fast orn=medium b=bright | the Andalusian cadence on a nylon guitar over palmas in the twelve-count compás
french | france, chanson, provence | medium major 3/4 rh=waltz lead=calliope padi=strings bass=fifths ext=sevenths harm=jazz
german | germany, berlin, bavarian, bavaria | medium major 2/4 rh=march lead=tuba padi=brass bass=octave harm=folk
irish | ireland, gaelic, dublin, jig, reel | fast dorian 6/8 lead=fiddle padi=organ pad=fifths bass=drone bassi=organ rh=jig mel=arpeggio md=very_busy orn=heavy harm=folk h=tight d=4 | a jig in 6/8: fiddle cuts and rolls over the bodhrán and drones
scottish | scotland, highlands of scotland, bagpipes, edinburgh | medium mixolydian lead=shehnai bass=drone pad=fifths rh=march orn=heavy harm=drone
celtic | celts, druid, druids, brittany | medium dorian 6/8 lead=tin_whistle padi=organ pad=fifths bass=drone bassi=organ rh=jig orn=heavy harm=folk | dorian 6/8, tin whistle cuts and rolls, bodhrán and drones
nordic | norse, viking, vikings, scandinavian, norway, iceland | slow dorian dark lead=strings padi=choir pad=fifths bass=drone rh=taiko harm=modal tex=wind d=5
english | england, british, britain | medium major lead=strings padi=organ harm=folk bass=fifths cad=strong
american west | wild west, cowboy, cowboys, frontier, western | medium mixolydian lead=pluck bass=fifths rh=soft_four harm=folk e=medium tex=wind sw=light d=5
appalachian | appalachia, mountain folk, hillbilly | fast mixolydian lead=pluck bass=fifths rh=soft_four harm=folk sw=light h=loose
cajun | louisiana, creole | fast major lead=calliope bass=fifths rh=soft_four harm=folk sw=medium h=loose
new orleans | nola, mardi gras, french quarter, second line | medium blues rh=march lead=brass padi=electric_piano bass=walking sw=heavy harm=blues ext=sevenths h=loose
mexican | mexico, mariachi, jalisco | fast major 3/4 rh=waltz lead=brass padi=strings bass=fifths harm=folk cad=strong
cuban | cuba, son cubano, salsa caliente | fast major rh=bossa lead=brass bass=syncopated sy=heavy harm=jazz ext=sevenths acc=wood_block d=6
brazilian | brazil, bossa, carioca | medium major rh=bossa lead=pluck padi=electric_piano bass=syncopated ext=sevenths harm=jazz sy=medium | bossa rhythm, sevenths, syncopated bass
argentinian | argentina, buenos aires, tango argentino | medium harmonic_minor rh=tango lead=bandoneon padi=bandoneon pad=dark bass=pulsing sy=medium harm=cinematic orn=light h=tight | bandoneon marcato and the habanera in harmonic minor
andean | andes, peruvian, peru, bolivia, inca | medium minor_pentatonic lead=flute padi=strings bass=fifths rh=soft_four harm=folk orn=medium tex=wind d=5
caribbean | west indies, trinidad, steel pan, calypso | medium major bright lead=marimba bass=syncopated rh=bossa sy=medium harm=pop h=loose
jamaican | jamaica, kingston, island vibes | slow dorian rh=one_drop bass=syncopated lead=organ padi=pluck pad=thin_high sy=medium harm=modal h=tight e=subtle | one-drop drums under an off-beat skank
west african | west africa, mali, senegal, ghana, griot, nigeria | fast major_pentatonic 12/8 lead=kora bassi=kora bass=arpeggio mel=call_response pad=none rh=djembe sy=medium mr=often d=4 harm=folk b=bright | the 12/8 bell, djembe and dunun polyrhythm under a kora ostinato
east african | kenya, tanzania, swahili | medium major lead=marimba bass=syncopated rh=soft_four sy=medium harm=folk d=5
ethiopian | ethiopia, addis ababa, ethio-jazz | medium minor_pentatonic lead=brass padi=organ bass=syncopated rh=brush ext=sevenths harm=jazz sy=medium
south african | south africa, township, soweto | medium major lead=brass padi=choir bass=walking rh=soft_four harm=folk sy=medium
hawaiian | hawaii, aloha, ukulele beach | slow major lead=pluck padi=strings bass=fifths tex=ocean e=subtle harm=folk sw=light d=5
polynesian | polynesia, tahiti, samoa, maori | medium major_pentatonic lead=pluck rh=taiko bass=fifths harm=folk tex=ocean d=5
aboriginal | didgeridoo, outback, dreamtime, australian outback | slow minor_pentatonic bass=drone bassi=saw pad=drift lead=sine mel=minimal rh=minimal acc=wood_block tex=wind harm=drone d=6
klezmer | jewish, yiddish, shtetl, freylekhs | fast phrygian_dominant 2/4 rh=bulgar lead=clarinet padi=brass bass=two_beat bassi=tuba orn=florid mel=ornamental harm=modal h=loose | a sobbing clarinet in freygish over the band's oom-pah, the drummer's bulgar across it
doina | doyne, klezmer lament | slow ukrainian_dorian lead=clarinet padi=strings bass=drone rh=none mel=ornamental orn=florid harm=drone md=sparse | a free, sobbing clarinet in the Ukrainian dorian
romani | gypsy, gypsy jazz, manouche, romany | fast harmonic_minor rh=brush lead=pluck bass=octave sw=medium orn=heavy harm=jazz ext=sevenths
hungarian | hungary, budapest, csardas | fast harmonic_minor 2/4 lead=strings bass=octave rh=march orn=heavy ten=ramp
polish | poland, mazurka, warsaw | medium minor 3/4 rh=waltz lead=strings padi=strings bass=fifths harm=folk orn=medium
armenian | armenia, duduk | slow harmonic_minor lead=ney bass=drone pad=drift orn=heavy harm=drone md=sparse
kurdish | kurdistan, kurds | medium phrygian_dominant rh=saidi lead=ney padi=strings orn=heavy bass=drone
israeli | israel, hebrew, hora | fast phrygian_dominant rh=march lead=flute bass=octave harm=folk orn=medium
tuareg | saharan, touareg, desert blues, mali desert | medium minor_pentatonic lead=pluck bass=drone rh=minimal sy=medium h=loose tex=wind harm=blues d=5
colombian | colombia, cumbia, bogota | medium minor rh=bossa lead=flute bass=syncopated acc=wood_block sy=medium harm=folk d=6
portuguese | portugal, lisbon, fado house | slow harmonic_minor lead=pluck padi=strings mel=lyrical harm=folk orn=medium
ukrainian | ukraine, kyiv, cossack | medium harmonic_minor lead=strings padi=choir bass=fifths rh=march harm=folk
"""

CATEGORY_BLOCKS["era"] = """
medieval | middle ages, dark ages, feudal, minstrel, troubadour | medium dorian lead=flute padi=organ pad=fifths bass=drone rh=soft_four harm=modal orn=medium ext=sus | dorian modal drone, open fifths and a recorder-like flute
renaissance | tudor, elizabethan, madrigal, lute song | medium dorian lead=pluck padi=strings bass=walking harm=folk orn=medium cad=strong
baroque | bach, vivaldi, harpsichord era, fugue | medium harmonic_minor lead=pluck padi=strings bass=walking md=busy orn=heavy cr=fast harm=pop cad=very_strong | busy ornamented plucks, walking bass, strong cadences
classical era | mozart, haydn, classical period, 18th century | medium major lead=strings padi=strings bass=arpeggio mel=lyrical cad=very_strong harm=pop
romantic era | chopin, tchaikovsky, 19th century, romantic period | slow harmonic_minor lead=strings padi=strings bass=arpeggio mel=lyrical harm=cinematic ext=sevenths
victorian | victorian era, gaslight, 1890s | slow major 3/4 rh=waltz lead=strings padi=strings harm=pop cad=strong
1920s | roaring twenties, twenties, jazz age, flapper, prohibition, speakeasy | fast major rh=brush lead=brass padi=electric_piano bass=walking sw=heavy tex=vinyl ext=sevenths harm=jazz d=5 | hot swing, brass lead and vinyl crackle
1930s | thirties, depression era, big band era | medium major rh=brush lead=brass bass=walking sw=medium tex=vinyl harm=jazz ext=sevenths d=5
1940s | forties, wartime, swing era | medium major rh=brush lead=brass bass=walking sw=heavy tex=vinyl harm=jazz ext=sevenths d=5
1950s | fifties, rock and roll era, jukebox | fast major rh=rock lead=electric_piano bass=walking sw=shuffle harm=blues ext=sevenths
1960s | sixties, swinging sixties, flower power | medium mixolydian rh=rock lead=organ padi=organ bass=walking harm=pop tex=vinyl d=5
1970s | seventies, disco era, 70s | medium dorian rh=four_on_floor lead=electric_piano padi=strings bass=syncopated ext=sevenths sy=medium harm=jazz
1980s | eighties, 80s, retro synth | fast minor rh=electronic lead=saw padi=saw bass=octave e=medium harm=pop d=4 | gated drums and saw synths
1990s | nineties, 90s | medium minor rh=electronic lead=electric_piano bass=syncopated harm=pop tex=vinyl d=5
2000s | y2k, noughties, millennium | fast minor bright rh=electronic lead=square_8bit padi=saw bass=syncopated tex=glitch d=5
retro | vintage, old-school, throwback, old timey | medium major tex=vinyl lead=electric_piano rh=brush sw=light harm=jazz ext=sevenths d=5
futuristic | future, the future, year 3000, tomorrow | medium lydian bright rh=electronic lead=sine padi=saw bass=pulsing tex=glitch e=medium d=5
ancient | antiquity, ancient times, ancient world | slow dorian lead=ney pad=fifths bass=drone harm=modal sp=large orn=medium
ancient rome | roman, rome empire, gladiator, colosseum | medium mixolydian rh=march lead=brass pad=cinematic bass=octave harm=cinematic cad=strong
ancient greece | olympus, greek myth, odyssey, spartan | medium dorian lead=pluck bass=drone pad=fifths harm=modal orn=medium
ancient egypt | old kingdom, sphinx, tutankhamun | slow double_harmonic lead=ney pad=drift bass=drone rh=baladi orn=heavy
prehistoric | stone age, cavemen, primeval, tribal drums | slow minor_pentatonic rh=taiko bass=drone lead=flute pad=none h=loose harm=drone d=4
steampunk | clockwork, brass gears, airship | medium dorian rh=march lead=calliope padi=brass bass=octave acc=wood_block h=robotic d=6
cyberpunk | cyber, blade runner, dystopian city, high tech low life | medium phrygian dark rh=electronic lead=saw padi=saw pad=dark bass=sub e=heavy tex=rain sp=large d=5 | dark saw pads and rain
post-apocalyptic | apocalypse, wasteland survivor, fallout, ruins of civilization | slow locrian very_dark tex=wind lead=pluck pad=dark bass=drone e=heavy d=5 sp=vast
dystopian | dystopia, totalitarian, surveillance state | slow phrygian dark rh=march lead=brass pad=dark bass=pulsing h=robotic harm=cinematic
art deco | gatsby, great gatsby, jazz deco | fast major rh=brush lead=brass padi=strings bass=walking sw=heavy ext=ninths harm=jazz
space age | atomic age, jetsons, retro future | medium lydian bright lead=sine padi=organ bass=walking rh=brush harm=jazz ext=sevenths acc=blip d=6
cold war | iron curtain, soviet, kgb | slow harmonic_minor dark rh=march lead=brass pad=dark bass=pulsing harm=cinematic
industrial revolution | industrial age, steam engine, coal mine | medium minor dark rh=march lead=brass bass=pulsing acc=wood_block tex=noise_wash h=robotic d=6
"""

CATEGORY_BLOCKS["genre"] = """
ambient | ambient music, soundscape, atmospheric | very_slow lydian sp=vast e=heavy pad=drift lead=sine rh=none md=very_sparse cr=very_slow harm=ambient st=wide d=3 ext=ninths | no beat, slow drifting pads, vast space
lofi | lo-fi, lo fi, lofi hip hop, chillhop, beats to study to | slow dorian dark rh=soft_four lead=electric_piano padi=electric_piano bass=sustained tex=vinyl sw=medium ext=sevenths harm=jazz h=loose d=5 | dusty keys, swing, vinyl
jazz | jazzy, jazz club, jazz trio | medium dorian rh=brush lead=electric_piano padi=electric_piano bass=walking sw=heavy ext=sevenths harm=jazz sy=medium h=loose cr=fast | swung walking bass, brushes and seventh chords
bebop | bop, be-bop | very_fast dorian rh=brush lead=brass bass=walking sw=heavy md=very_busy lp=leapy ext=sevenths harm=jazz cr=very_fast
smooth jazz | quiet storm, sax ballad | slow major rh=soft_four lead=brass padi=electric_piano bass=syncopated ext=ninths harm=jazz sw=light
cool jazz | west coast jazz, modal jazz, kind of blue | slow dorian rh=brush lead=brass padi=electric_piano bass=walking sw=medium ext=ninths harm=jazz cr=slow
swing | swing music, big band, lindy hop | fast major rh=brush lead=brass padi=brass bass=walking sw=shuffle ext=sevenths harm=jazz cad=strong
blues | the blues, bluesy, delta blues, twelve bar | slow blues rh=brush lead=pluck padi=organ bass=walking sw=shuffle ext=sevenths harm=blues h=loose | blues scale, shuffle swing, walking bass
rock | rock and roll, rock music, guitar rock | fast mixolydian rh=rock bass=octave lead=saw padi=saw ext=power harm=pop d=4 | power chords, a driving rock kit and octave bass
hard rock | arena rock, stadium rock | fast minor rh=rock bass=octave lead=saw ext=power harm=pop h=tight d=5 tex=noise_wash
punk | punk rock, hardcore, pogo | very_fast major rh=rock bass=octave lead=saw ext=power h=loose harm=pop md=busy
metal | heavy metal, metalhead, thrash, headbanging | very_fast phrygian dark rh=rock bass=octave lead=saw padi=saw ext=power h=tight harm=pop | very fast phrygian riffs, power chords, tight playing
doom metal | doom, sludge | very_slow phrygian very_dark rh=rock bass=sub lead=saw padi=saw ext=power sp=large
grunge | seattle sound, 90s alternative | medium minor dark rh=rock lead=saw bass=octave ext=power h=loose
indie | indie rock, indie pop, alternative | medium major rh=rock lead=pluck padi=electric_piano bass=pulsing harm=pop ext=sus
shoegaze | wall of sound, noise pop | medium major dark rh=rock lead=saw padi=saw pad=swell e=heavy tex=noise_wash sp=vast d=5 ext=ninths
dream pop | ethereal pop, bedroom pop | slow lydian rh=soft_four lead=electric_piano padi=strings pad=drift e=heavy ext=ninths tex=shimmer d=5 | reverb-washed electric piano and shimmer
synthwave | outrun, retrowave, vaporwave sunset | fast minor rh=electronic lead=saw padi=saw bass=octave e=medium harm=pop st=wide | saw synths, octave bass, gated electronic drums
vaporwave | vapor wave, aesthetic, mall music | slow major dark rh=soft_four lead=electric_piano padi=saw ext=ninths harm=jazz tex=vinyl e=heavy h=loose d=5 | slowed electric piano, ninths, vinyl and heavy echo
chillwave | glo-fi, chill wave | slow major rh=soft_four lead=electric_piano padi=saw pad=drift e=medium tex=vinyl d=5
house | house music, deep house, club house | fast minor rh=four_on_floor bass=syncopated lead=electric_piano padi=strings ext=sevenths harm=jazz h=tight | four-on-the-floor with syncopated bass and jazzy chords
techno | berlin techno, warehouse techno, minimal techno | fast phrygian dark rh=four_on_floor bass=pulsing lead=saw mr=always h=robotic md=sparse tex=noise_wash d=5 | four-on-the-floor, hypnotic repetition, dark phrygian
trance | uplifting trance, psytrance | fast minor rh=four_on_floor bass=pulsing lead=saw padi=saw pad=swell e=heavy ten=ramp st=ultra_wide | four-on-the-floor with a swelling saw pad building up
drum and bass | dnb, jungle music, liquid dnb | very_fast minor rh=electronic bass=sub lead=electric_piano pad=drift sy=heavy harm=jazz ext=sevenths | very fast breakbeat under liquid keys and sub bass
dubstep | wobble, bass music, brostep | medium phrygian dark rh=electronic bass=sub lead=saw mo=fast sy=heavy tex=glitch d=5
trap | trap beat, 808 | medium phrygian dark rh=electronic bass=sub lead=bell md=sparse sy=heavy h=tight
hip hop | hip-hop, rap, boom bap, old school rap | medium dorian rh=electronic bass=syncopated lead=electric_piano sw=medium tex=vinyl ext=sevenths harm=jazz d=5 | swung boom-bap beat, dusty keys and vinyl
r&b | rnb, rhythm and blues, neo soul | slow dorian rh=soft_four bass=syncopated lead=electric_piano ext=ninths harm=jazz sw=light
soul | soulful, motown, northern soul | medium major rh=soft_four bass=walking lead=organ padi=brass ext=sevenths harm=jazz sy=medium | organ and brass, walking bass, sevenths
funk | funky, groove, groovy, slap bass | medium dorian rh=rock bass=syncopated lead=brass padi=electric_piano sy=heavy ext=ninths harm=jazz h=tight mr=often | tight syncopation, slap-style bass and ninth chords
disco | disco ball, studio 54, boogie nights | fast minor rh=four_on_floor bass=octave lead=strings padi=strings ext=sevenths harm=jazz sy=medium | four-on-the-floor, octave bass and string lines
reggae | roots reggae, rasta, one drop | slow dorian rh=one_drop bass=syncopated lead=organ padi=pluck pad=thin_high sy=medium harm=modal h=tight e=subtle mel=minimal | one-drop drums, an off-beat skank and a dub echo on the rim shot
dub | dub reggae, dub techno | slow minor dark rh=one_drop bass=sub lead=organ padi=pluck pad=thin_high e=heavy sy=heavy sp=large mel=minimal | the one-drop stripped to drums and bass, the rim shot echoing
ska | two tone, skanking | fast major rh=rock bass=walking lead=brass sy=heavy harm=pop
country | country music, nashville, honky tonk | medium major lead=pluck bass=fifths rh=soft_four sw=light harm=folk cad=strong | plucked lead, fifths in the bass, a light swing
bluegrass | banjo picking, hoedown | very_fast major lead=pluck bass=fifths rh=soft_four md=very_busy harm=folk
folk | folk music, acoustic, singer-songwriter, campfire song | medium major lead=pluck padi=strings bass=fifths rh=none harm=folk ext=sus sp=small | acoustic plucks, open fifths, no drums
gospel | church choir, spirituals, hallelujah | medium major lead=choir padi=organ bass=walking sw=medium harm=blues ext=sevenths cad=very_strong | choir and organ, swung walking bass, strong cadences
classical | orchestral, symphony, symphonic, philharmonic | medium major lead=strings padi=strings bass=arpeggio harm=cinematic cad=strong rh=none | orchestral strings, arpeggiated bass, strong cadences
opera | operatic, aria, soprano | slow harmonic_minor lead=choir padi=strings mel=lyrical harm=cinematic orn=medium cad=strong
chamber music | string quartet, chamber ensemble, salon music | medium major lead=strings padi=strings bass=walking harm=pop rh=none sp=small
minimalism | minimalist, steve reich, philip glass, phase music | medium major lead=marimba padi=strings bass=arpeggio mel=arpeggio mr=always md=busy cr=slow harm=ambient
cinematic | film score, movie soundtrack, trailer music | slow minor lead=strings padi=strings pad=cinematic bass=sustained harm=cinematic ten=ramp sp=large rh=taiko | swelling strings, big drums and rising tension
epic | epic orchestral, heroic score, blockbuster | fast minor lead=brass padi=strings pad=cinematic rh=taiko bass=octave mel=heroic acc=brass_hit harm=cinematic ten=ramp d=6 sp=vast | brass heroics over taiko and a cinematic pad
film noir | noir, hardboiled, private eye | slow minor dark rh=brush lead=brass bass=walking sw=medium ext=sevenths harm=jazz tex=rain d=5
horror | horror movie, slasher, scary movie | slow locrian very_dark lead=strings pad=dark bass=sub tex=wind e=medium mo=fast acc=gong d=6 | locrian dissonance, sub bass and unsettling motion
video game | game music, game soundtrack, rpg, jrpg | fast dorian lead=square_8bit padi=strings bass=arpeggio rh=electronic mr=often harm=pop | square-wave lead, arpeggiated bass, looping motif
chiptune | 8-bit, 8 bit, 8bit, nes, game boy, gameboy, retro game | very_fast major very_bright rh=chiptune lead=square_8bit padi=square_8bit bass=arpeggio acc=blip st=mono h=robotic md=busy mel=arpeggio d=6 sp=dry | square waves, arpeggios, chiptune drums
16-bit | 16 bit, snes, sega genesis, mega drive | fast dorian bright rh=chiptune lead=square_8bit padi=saw bass=arpeggio e=subtle h=robotic mr=often
lullaby | lullabies, cradle song, nursery | very_slow major 3/4 lead=celesta padi=strings rh=none md=sparse cad=very_strong st=narrow d=3 sp=small | slow 3/4 celesta, no drums, always resolving home
march | military march, marching band, sousa | medium major 2/4 rh=march lead=brass padi=brass bass=octave cad=very_strong h=tight | 2/4 march, brass and tuba, strong cadences
waltz | valse, viennese waltz, ballroom | medium major 3/4 rh=waltz lead=strings padi=strings bass=fifths cad=strong harm=pop | 3/4 waltz lilt with strings
polka | oompah, polka band | fast major 2/4 rh=oompah lead=calliope bass=two_beat bassi=tuba padi=brass harm=folk | tuba on the beat, brass chords between
tango | tango dance, milonga | medium harmonic_minor rh=tango lead=bandoneon padi=bandoneon pad=dark bass=pulsing sy=medium orn=light harm=cinematic h=tight mel=heroic mr=often cad=strong | harmonic minor, bandoneon marcato, the habanera and the chan-chan ending
bossa nova | bossa, girl from ipanema, brazilian jazz | medium major rh=bossa lead=pluck padi=electric_piano bass=syncopated ext=sevenths harm=jazz sy=medium cr=fast | bossa rhythm and seventh chords
samba | carnaval, batucada, samba school | fast major rh=bossa lead=brass bass=syncopated sy=heavy acc=wood_block harm=pop d=6 h=loose | fast syncopated bossa groove, brass and wood block
salsa | salsa dancing, mambo, latin dance | fast minor rh=bossa lead=brass bass=syncopated sy=extreme harm=jazz acc=wood_block d=6 | clave-driven syncopation, brass and wood block
flamenco | flamenco guitar, bulerias, sevillanas, soleares, rasgueado | medium spanish_phrygian 12/8 lead=nylon_guitar padi=nylon_guitar rh=flamenco harm=andalusian cr=fast orn=heavy mel=ornamental b=bright sp=small md=busy cad=strong ten=release | palmas in the twelve-count compás, rasgueados over the Andalusian cadence
fado | saudade, portuguese blues | slow harmonic_minor lead=pluck padi=strings mel=lyrical orn=medium harm=folk rh=none
afrobeat | afrobeats, fela, afro-funk | fast dorian rh=rock bass=syncopated lead=brass padi=organ sy=heavy mr=always h=loose harm=jazz
highlife | palm wine, ghanaian highlife | fast major lead=pluck bass=syncopated rh=soft_four sy=medium harm=pop
k-pop | kpop, idol pop | fast minor bright rh=four_on_floor bass=syncopated lead=saw harm=pop cad=strong h=robotic | bright, tight electronic four-on-the-floor with a strong hook
j-pop | jpop, anime opening, anime | fast major bright rh=rock lead=electric_piano padi=strings bass=octave harm=pop cad=strong
city pop | japanese city pop, 80s japanese pop | medium major rh=soft_four lead=electric_piano padi=strings bass=syncopated ext=ninths harm=jazz sy=medium
enka | japanese ballad | slow hirajoshi lead=strings padi=strings orn=heavy mel=lyrical harm=pop
gagaku | japanese court music, shinto court | very_slow in_sen lead=shehnai pad=drift acc=gong bass=drone md=sparse harm=drone
qawwali | sufi devotional, nusrat | medium phrygian_dominant pad=tanpura lead=choir padi=organ rh=teental orn=heavy ten=ramp
ghazal | urdu poetry song | slow phrygian_dominant pad=tanpura lead=sitar padi=strings rh=teental orn=heavy mel=lyrical
bhangra | bhangra dance, giddha | fast mixolydian rh=dhol lead=shehnai bass=pulsing orn=medium h=loose d=5
new age | spa music, healing music, crystals | very_slow lydian pad=drift lead=flute tex=shimmer rh=none e=medium harm=ambient d=5 sp=vast | drifting lydian pads, flute and shimmer
drone | drone music, dark drone, sustained tones | very_slow minor dark pad=drift bass=drone lead=sine mel=none rh=none harm=drone cr=very_slow d=2
noise | noise music, harsh noise, wall of noise | fast locrian tex=noise_wash lead=saw mo=chaotic h=drunk d=5
industrial | industrial music, ebm, machine music | fast phrygian dark rh=electronic bass=pulsing lead=saw acc=wood_block h=robotic tex=noise_wash d=6
glitch | glitchy, idm, intelligent dance music | medium minor rh=electronic lead=sine tex=glitch sy=extreme h=robotic acc=blip d=6
trip hop | bristol sound, massive attack | slow minor dark rh=electronic bass=sub lead=electric_piano tex=vinyl sw=light harm=jazz ext=sevenths d=5
downtempo | chillout, chill out, lounge music | slow dorian rh=soft_four bass=syncopated lead=electric_piano ext=ninths harm=jazz pad=drift
lounge | cocktail lounge, exotica, easy listening | medium major rh=bossa lead=marimba padi=electric_piano bass=walking ext=ninths harm=jazz
surf rock | surf music, dick dale, twang | fast phrygian_dominant rh=rock lead=pluck e=heavy bass=walking harm=pop
psychedelic | psychedelia, trippy, acid, lsd | medium mixolydian rh=rock lead=organ padi=organ e=heavy mo=fast tex=shimmer d=5 harm=modal
krautrock | motorik, kosmische | fast dorian rh=four_on_floor bass=pulsing lead=saw mr=always h=robotic harm=modal
post-rock | post rock, crescendo rock | slow major rh=rock lead=pluck padi=strings e=heavy ten=ramp sp=vast pad=swell
math rock | mathy, odd time | fast dorian 7/8 rh=rock lead=pluck bass=syncopated sy=heavy lp=leapy
emo | emotional rock, midwest emo | medium major rh=rock lead=pluck bass=octave ext=sus harm=pop
ballad | power ballad, slow song, love song | slow major lead=electric_piano padi=strings bass=sustained rh=soft_four harm=pop mel=lyrical cad=strong
hymn | hymnal, chorale, church hymn | slow major lead=choir padi=organ bass=walking harm=folk cad=very_strong rh=none
gregorian chant | chant, plainchant, monks chanting | very_slow dorian sp=vast lead=choir pad=none bass=drone rh=none harm=drone md=sparse | unaccompanied dorian choir over a drone in a vast space
sea shanty | shanty, sailor song, work song | medium dorian 6/8 rh=march lead=flute bass=fifths harm=folk h=loose tex=ocean d=5 | 6/8 stomp, flute and fifths, a crew's loose timing
elevator music | muzak, hold music, lift music | medium major rh=brush lead=electric_piano padi=strings ext=sevenths harm=jazz h=tight
musical theater | broadway, show tune, musical | fast major lead=brass padi=strings bass=walking rh=soft_four cad=very_strong harm=pop
cabaret | burlesque, vaudeville | medium harmonic_minor rh=brush lead=calliope bass=walking sw=heavy harm=jazz
doo-wop | doo wop, 50s vocal group | slow major 6/8 lead=choir bass=walking rh=brush harm=pop ext=sevenths
rockabilly | rockabilly shuffle | fast major rh=rock bass=walking lead=pluck sw=shuffle harm=blues
zydeco | zydeco dance | fast major rh=soft_four lead=calliope bass=walking sw=medium harm=blues h=loose
hardstyle | gabber, hardcore techno | very_fast minor rh=four_on_floor bass=sub lead=saw h=robotic tex=noise_wash d=5
breakbeat | big beat, breaks | fast minor rh=electronic bass=syncopated lead=saw sy=heavy
uk garage | 2-step, two step, garage | fast minor rh=electronic bass=syncopated lead=electric_piano sw=medium ext=sevenths harm=jazz
grime | uk grime | fast phrygian dark rh=electronic bass=sub lead=square_8bit sy=heavy
phonk | drift phonk, memphis | medium phrygian dark rh=electronic bass=sub lead=bell tex=vinyl d=5
orchestral pop | baroque pop, chamber pop | medium major lead=strings padi=strings bass=walking rh=soft_four harm=pop
"""

CATEGORY_BLOCKS["instrument"] = """
piano | grand piano, keys, upright piano, keyboard | slow major lead=electric_piano padi=electric_piano bass=sustained rh=none harm=pop sp=medium
electric piano | rhodes, wurlitzer, e-piano, fender rhodes | slow dorian lead=electric_piano padi=electric_piano ext=sevenths harm=jazz rh=soft_four
organ | hammond, hammond organ, b3 | medium mixolydian lead=organ padi=organ bass=walking harm=blues rh=soft_four
church organ | pipe organ, cathedral organ | slow major sp=vast lead=organ padi=organ bass=drone cad=very_strong harm=cinematic rh=none
harpsichord | clavecin, clavichord | medium harmonic_minor lead=pluck padi=pluck bass=walking orn=heavy md=busy cad=strong rh=none
music box | musicbox, jewelry box | slow major very_bright lead=celesta padi=bell rh=none md=medium st=narrow sp=small mr=often d=3
celesta | celeste, sugar plum | medium major very_bright lead=celesta padi=strings acc=glockenspiel d=6
glockenspiel | orchestra bells, bell lyre | medium major very_bright lead=celesta acc=glockenspiel d=6 mel=arpeggio
bells | bell, tubular bells, church bells, carillon | slow major bright lead=bell padi=strings acc=bells sp=large d=6
chimes | wind chimes, chime | slow lydian bright lead=bell acc=chime tex=wind md=sparse d=6
strings | string section, string orchestra | slow minor lead=strings padi=strings pad=cinematic harm=cinematic
violin | fiddle, violins, solo violin | medium harmonic_minor lead=strings padi=strings mel=lyrical orn=medium
cello | cellos, violoncello, cello section | slow minor dark lead=strings padi=strings reg=3-4 mel=lyrical bass=sustained
double bass | upright bass, contrabass, acoustic bass, standup bass, contrabajo, pizzicato bass | medium dorian bass=walking bassi=double_bass rh=brush sw=medium lead=electric_piano ext=sevenths harm=jazz sp=small | a plucked upright bass walking under brushes
harp | harpist, celtic harp | slow lydian lead=pluck padi=strings mel=arpeggio bass=arpeggio
acoustic guitar | guitar, nylon guitar, classical guitar, strumming | medium major lead=nylon_guitar padi=nylon_guitar bass=fifths harm=folk
electric guitar | guitar solo, distorted guitar, power chords | fast minor lead=saw padi=saw ext=power rh=rock bass=octave
bass guitar | bassline, slap bass, fretless | medium dorian bass=syncopated bassi=sine lead=pluck rh=soft_four sy=medium
synth | synthesizer, analog synth, modular synth, moog | medium minor lead=saw padi=saw bass=pulsing rh=electronic e=medium
flute | flutes, piccolo, recorder | medium major bright lead=flute padi=strings mel=lyrical orn=medium
pan flute | panpipes, pan pipes, zampona | slow minor_pentatonic lead=flute padi=strings tex=wind orn=medium d=5
clarinet | clarinets, woodwinds | medium dorian lead=clarinet padi=strings bass=walking sw=light
saxophone | sax, alto sax, tenor sax | slow dorian lead=brass padi=electric_piano bass=walking ext=sevenths harm=jazz sw=medium
trumpet | trumpets, bugle, fanfare | medium major bright lead=brass padi=brass acc=brass_hit cad=strong d=6
brass | brass section, horns, french horn, brass band | medium major lead=brass padi=brass bass=octave harm=cinematic
tuba | sousaphone, euphonium | medium major dark lead=tuba bassi=tuba bass=octave rh=march 2/4
choir | chorus, voices, vocal ensemble, singing | slow major lead=choir padi=choir sp=large harm=cinematic
humming | hum, ooh, wordless vocals | slow major lead=choir padi=strings md=sparse st=narrow sp=small
marimba | xylophone, vibraphone, vibes | medium major lead=marimba padi=electric_piano mel=arpeggio
kalimba | thumb piano, mbira | slow major_pentatonic lead=marimba padi=strings mel=arpeggio md=medium sp=small
steel drum | steel pan, steelpan | medium major bright lead=marimba bass=syncopated rh=bossa harm=pop
koto | zither, japanese harp | slow hirajoshi lead=koto padi=strings orn=medium mel=ornamental
shamisen | biwa, sanshin | medium in_sen lead=koto bass=drone orn=medium rh=minimal
shakuhachi | bamboo flute japanese, zen flute | very_slow in_sen lead=flute pad=drift tex=breath md=very_sparse orn=heavy d=5
erhu | chinese violin, er hu | slow major_pentatonic lead=erhu padi=strings orn=heavy mel=lyrical
oud | lute, arabic lute, oud player | medium phrygian_dominant lead=oud padi=strings rh=maqsum orn=heavy d=5 | oud with hijaz and maqsum
ney | nay, reed flute, duduk flute | slow double_harmonic lead=ney bass=drone pad=drift orn=heavy md=sparse
sitar | sitarist, ravi shankar | slow phrygian_dominant lead=sitar pad=tanpura bass=drone rh=teental orn=heavy
tabla | tabla drums, dhol drum | medium phrygian_dominant rh=teental pad=tanpura lead=sitar bass=drone
tanpura | tambura, drone lute | very_slow major pad=tanpura bass=drone lead=bansuri rh=none md=sparse harm=drone
bansuri | indian flute, bamboo flute | slow major pad=tanpura lead=bansuri bass=drone orn=heavy mel=ornamental
shehnai | nadaswaram, oboe, double reed | medium phrygian_dominant lead=shehnai pad=tanpura bass=drone orn=heavy
santoor | hammered dulcimer, dulcimer, cimbalom | medium major lead=pluck pad=tanpura bass=drone mel=arpeggio orn=medium
bagpipe | bagpipes, highland pipes, uilleann pipes | medium mixolydian lead=shehnai bass=drone pad=fifths rh=march orn=heavy harm=drone
accordion | squeezebox, concertina | medium major 3/4 lead=bandoneon padi=bandoneon bass=fifths rh=waltz | free reeds on the bellows
bandoneon | bandoneón, bandonion | medium harmonic_minor lead=bandoneon padi=bandoneon pad=dark rh=tango bass=pulsing harm=cinematic h=tight | paired reeds beating, swelling on the bellows
banjo | banjos, clawhammer | fast major lead=pluck bass=fifths rh=soft_four harm=folk md=busy
mandolin | bouzouki, mandola | fast major lead=pluck padi=pluck bass=fifths harm=folk md=busy
ukulele | uke, ukulele strum | medium major bright lead=pluck bass=fifths rh=soft_four harm=folk sw=light
didgeridoo | didjeridu, yidaki | slow minor_pentatonic bass=drone bassi=saw pad=drift lead=sine mel=minimal rh=minimal harm=drone
taiko | taiko drums, japanese drums, war drums | fast in_sen rh=taiko bass=pulsing lead=flute acc=gong ten=ramp d=6
djembe | hand drums, bongos, congas, dunun | fast major_pentatonic 12/8 rh=djembe lead=kora bassi=kora bass=arpeggio pad=none d=4
guzheng | chinese zither, gu zheng | slow major_pentatonic lead=guzheng bassi=guzheng bass=arpeggio pad=none orn=heavy mel=ornamental
kora | west african harp, griot harp | medium major_pentatonic 12/8 lead=kora bassi=kora bass=arpeggio mel=arpeggio pad=none rh=djembe d=4
bodhran | bodhrán, irish frame drum | fast dorian 6/8 rh=jig lead=fiddle padi=organ pad=fifths bass=drone bassi=organ orn=heavy harm=folk
gong | gongs, tam-tam, singing bowl, singing bowls | very_slow major acc=gong pad=drift bass=drone md=very_sparse lead=bell d=6 sp=vast
theremin | ondes martenot | slow whole_tone lead=sine pad=drift e=medium mo=medium
calliope | steam organ, fairground organ, band organ | fast major lead=calliope padi=organ bass=octave rh=waltz 3/4
hurdy gurdy | hurdy-gurdy, vielle | medium dorian lead=shehnai bass=drone pad=fifths harm=drone orn=medium
whistle | tin whistle, penny whistle, whistling | medium major bright lead=tin_whistle md=busy orn=heavy harm=folk
handpan | hang drum, steel tongue drum | slow minor lead=bell pad=drift md=sparse sp=large mel=arpeggio
vocoder | talk box, robot voice | medium minor lead=saw padi=choir h=robotic rh=electronic
drum machine | 808 drums, 909, beat box | medium minor rh=electronic h=robotic lead=square_8bit bass=pulsing
"""

CATEGORY_BLOCKS["texture"] = """
vinyl | vinyl crackle, record player, turntable, crackle | slow major dark tex=vinyl lead=electric_piano ext=sevenths harm=jazz rh=soft_four
tape | tape hiss, cassette, tape saturation, analog tape | slow major dark tex=vinyl lead=electric_piano h=loose mo=slow
static | radio static, white noise, tv static, hiss | slow minor tex=noise_wash lead=sine md=sparse
lush | lavish, rich, full, sumptuous | slow major lead=strings padi=strings pad=swell ext=ninths sp=large d=5 st=wide
sparse | bare, empty, minimal texture, spacious | slow minor lead=sine rh=none md=very_sparse d=2 sp=large
dense | thick, crowded, wall of sound texture, busy | medium minor md=very_busy d=6 tex=noise_wash acc=chime rh=electronic
smooth | silky, velvet, velvety, buttery | slow major lead=electric_piano padi=strings ext=ninths harm=jazz h=natural
rough | gritty, raw, abrasive, grimy | fast minor lead=saw padi=saw h=loose tex=noise_wash ext=power
crisp | clean, pristine, polished, sharp | medium major bright lead=pluck h=tight sp=small
soft | gentle, delicate, feathery, hushed, quiet | slow major dark lead=sine padi=strings md=sparse rh=none d=3
hazy | blurry, blurred, smeared, fuzzy | slow lydian dark pad=drift e=heavy tex=breath lead=electric_piano mo=medium
shimmering | shimmer, glistening, sparkling, glittering, twinkling | slow lydian very_bright tex=shimmer lead=celesta acc=chime e=medium d=6
metallic | metal, steel, clanging, iron | medium phrygian bright lead=bell acc=gong h=robotic tex=noise_wash d=6
wooden | wood, woody, timber | medium major lead=marimba acc=wood_block sp=small d=6
glassy | glass, crystal, crystalline, brittle | slow lydian very_bright lead=bell padi=strings pad=thin_high e=medium
airy | breathy, light as air, open | slow lydian bright tex=breath pad=thin_high lead=flute sp=large md=sparse
muddy | murky, murk, sludgy | slow minor very_dark bass=sub pad=dark tex=noise_wash
watery | liquid, fluid, rippling, flowing water | slow lydian tex=ocean lead=electric_piano mo=medium e=medium pad=drift
dusty | dust, old attic, faded | slow dorian dark tex=vinyl lead=pluck md=sparse h=loose
grainy | granular, grains, sandy | slow minor tex=glitch lead=sine mo=medium pad=drift
warm texture | warm tone, analog warmth, tube warmth | slow major dark lead=electric_piano padi=strings pad=warm ext=sevenths
cold texture | sterile, clinical, icy tone | medium minor bright lead=sine h=robotic pad=thin_high st=narrow
echoing | echo, echoes, delay, reverberating | slow minor e=heavy sp=large lead=pluck md=sparse
reverberant | cavernous, huge reverb, washed out | slow lydian sp=vast e=medium pad=drift lead=bell
dry texture | dry, close mic, intimate sound, in your ear | medium major sp=dry e=none st=narrow lead=pluck
layered | layers, textured, rich layers | medium major d=6 pad=swell tex=shimmer acc=chime lead=strings
minimal texture | stripped back, stripped down, barebones | medium minor d=2 rh=none md=sparse lead=sine
glitchy | bitcrushed, stuttering, broken digital | medium minor tex=glitch rh=electronic h=robotic acc=blip sy=heavy d=6
noisy | distorted, fuzz, overdriven, saturated | fast minor tex=noise_wash lead=saw ext=power h=loose
pulsing | throbbing, pulsating | medium minor bass=pulsing rh=electronic mo=fast mr=always
swirling | swirl, spinning, whirling, rotating | medium lydian mo=fast st=ultra_wide e=medium pad=drift tex=shimmer
"""

CATEGORY_BLOCKS["colour"] = """
red | scarlet, crimson, blood red, ruby | fast harmonic_minor bright lead=brass padi=strings rh=rock bass=octave ten=ramp
orange | tangerine, amber, apricot | medium mixolydian bright lead=brass padi=electric_piano rh=soft_four
yellow | lemon, golden yellow, sunflower | medium major very_bright lead=pluck padi=strings rh=soft_four
gold | golden, gilded, gilt | medium major bright lead=brass padi=strings pad=swell acc=bells d=6
green | emerald, verdant, jade, lime green | medium major_pentatonic lead=flute padi=strings harm=folk tex=wind d=5
teal | turquoise, aquamarine, cyan | slow lydian lead=electric_piano pad=drift tex=ocean d=5
blue | navy, cobalt, azure, sapphire, ocean blue | slow dorian dark lead=electric_piano padi=strings ext=sevenths harm=jazz
indigo | deep blue, midnight blue | very_slow dorian very_dark pad=drift lead=sine e=medium
purple | violet, lavender, lilac, mauve, plum | slow lydian dark lead=electric_piano padi=strings ext=ninths pad=drift harm=jazz
pink | rose, rosy, blush, bubblegum pink | medium major bright lead=celesta padi=electric_piano ext=sevenths harm=pop acc=chime d=6
magenta | fuchsia, hot pink | fast lydian very_bright lead=saw padi=saw rh=electronic
white | snow white, ivory, pale, pure white | slow lydian very_bright pad=thin_high lead=celesta md=sparse
black | pitch black, jet black, ebony, darkness | very_slow minor very_dark pad=dark bass=sub lead=sine md=very_sparse
grey | gray, ashen, slate, charcoal | slow minor dark pad=drift lead=sine md=sparse tex=breath d=5
silver | silvery, platinum, chrome | slow lydian bright lead=bell pad=thin_high acc=chime d=6
brown | sepia, earthy, earth tones, umber | slow major dark lead=pluck padi=strings harm=folk tex=vinyl d=5
pastel | pastel colours, soft colours, baby blue | slow major bright lead=celesta padi=strings md=sparse ext=sus
monochrome | black and white, greyscale, grayscale | slow minor h=robotic lead=sine st=mono md=sparse
technicolor | colourful, colorful, vivid colours, kaleidoscope | fast lydian very_bright lead=marimba acc=glockenspiel rh=soft_four d=6 lp=leapy
"""

CATEGORY_BLOCKS["abstract"] = """
neutral | plain, default, generic, anything | medium major pad=warm lead=triangle rh=soft_four md=sparse harm=pop | a balanced middle-of-the-road mood
cool | chilled out, laid back, laid-back, suave, slick | medium dorian rh=brush lead=electric_piano bass=walking ext=sevenths harm=jazz sw=light sp=medium
minimal | minimalistic, simple, simplicity, less is more | medium major d=2 rh=none md=sparse lead=sine mr=always
grand | grandiose, majestic, monumental, massive | slow major lead=brass padi=strings pad=cinematic sp=vast harm=cinematic cad=strong rh=taiko
intimate | close, personal, private, one on one | slow major sp=small st=narrow lead=electric_piano rh=none md=sparse d=3
fragile | brittle, breakable, delicate glass | slow lydian bright lead=celesta md=very_sparse rh=none st=narrow d=3
heavy | weighty, crushing, massive sound | slow phrygian very_dark bass=sub lead=saw ext=power rh=rock
light | lightweight, feathery light, buoyant | medium major bright lead=flute md=sparse rh=soft_four
fast | quick, rapid, speedy, high tempo, uptempo, up-tempo | very_fast major rh=electronic md=busy bass=pulsing
slow | slow-paced, unhurried, leisurely, languid, downtempo mood | very_slow major rh=none md=sparse cr=very_slow
loud | big sound, booming, powerful, forceful | fast minor bright rh=rock bass=octave ext=power lead=saw d=5
quiet | hushed, silent, whisper, whispering, subdued | very_slow major dark lead=sine rh=none md=very_sparse d=2 st=narrow
complex | intricate, elaborate, sophisticated | medium dorian md=very_busy cr=fast ext=ninths harm=jazz sy=heavy lp=leapy
chaos | chaotic, mayhem, turmoil, pandemonium | very_fast locrian mo=chaotic h=drunk tex=glitch lp=very_leapy sy=extreme d=6 acc=brass_hit
order | orderly, structured, symmetry, symmetrical, precise | medium major h=robotic mr=always cad=very_strong sw=none sy=none
infinity | infinite, endless, eternal, eternity, forever | very_slow lydian e=infinite sp=vast pad=drift cr=very_slow md=very_sparse
time | clock, ticking, passing of time, hourglass | medium minor rh=minimal acc=wood_block mr=always h=robotic d=6
memory | memories of childhood, recollection, flashback | slow major dark tex=vinyl lead=celesta e=medium ext=sevenths d=5
dream | dreams, dreaming, dreamworld, dreamscape | slow lydian pad=drift lead=celesta e=heavy tex=shimmer sp=vast d=5 mo=medium
void | emptiness, nothingness, abyss of nothing, vacuum | very_slow locrian very_dark d=1 pad=dark mel=none rh=none sp=vast
harmony | harmonious, balance, balanced, equilibrium | slow major lead=strings padi=strings cad=strong harm=pop
gravity | gravitas, weight of the world | slow minor dark bass=sub pad=cinematic harm=cinematic
weightless | zero gravity, zero g, anti-gravity | very_slow lydian pad=drift lead=sine e=heavy st=ultra_wide rh=none
mechanical | machine, machinery, gears, robotic, automated | medium minor h=robotic rh=electronic mr=always acc=wood_block lead=square_8bit d=6
organic | natural, earthy sound, handmade | medium major h=loose lead=pluck padi=strings harm=folk
digital | computer, cyber space, data, binary, internet | fast minor lead=square_8bit rh=electronic tex=glitch h=robotic acc=blip d=6
analog | analogue, warm circuits, vintage synth | medium minor lead=saw padi=saw tex=vinyl h=loose
sacred | holy ground, sanctified, consecrated | very_slow major sp=vast lead=choir padi=organ cad=strong harm=drone
majestic | regal, royal, royalty, kingly, queenly | medium major lead=brass padi=strings pad=cinematic rh=march cad=very_strong harm=cinematic
elegant | graceful, classy, refined, sophisticated evening | medium major lead=strings padi=strings 3/4 rh=waltz ext=sevenths
raw | rugged, unpolished, untamed | fast minor lead=saw h=loose ext=power sp=small
hypnotic | trance-like, mesmerizing, mesmerising, repetitive | medium dorian mr=always bass=pulsing rh=four_on_floor mel=arpeggio
evolving | changing, transformation, metamorphosis, unfolding | slow lydian ten=ramp mo=medium pad=swell cr=slow
luxury | luxurious, opulent, rich and famous, champagne | medium major lead=electric_piano padi=strings ext=ninths harm=jazz bass=walking
innocence | innocent, pure, naive, childlike | medium major bright lead=celesta md=sparse cad=strong harm=pop
childhood | kids, children, childhood memories, playground | medium major bright lead=celesta acc=glockenspiel rh=soft_four d=6
old age | elderly, aging, twilight years | slow major dark lead=pluck tex=vinyl ext=sevenths harm=folk d=5
youth | young, teenage, teenager, coming of age | fast major rh=rock lead=pluck bass=octave harm=pop
power | powerful energy, might, strength, force | fast minor lead=brass bass=octave rh=rock ext=power acc=brass_hit d=6
danger | dangerous, peril, threat, risky | fast phrygian dark rh=heartbeat bass=pulsing lead=strings ten=ramp harm=cinematic
safety | safe, secure, sheltered, protected | slow major pad=warm lead=sine cad=strong rh=none
home | homely, home sweet home, family | slow major lead=pluck padi=strings harm=folk cad=strong sp=small
distance | far away, faraway, distant, remote | slow lydian sp=vast e=heavy lead=sine md=sparse
silence | stillness of silence, hush | very_slow major very_dark d=1 md=very_sparse mel=minimal rh=none
motion | movement, momentum, kinetic, in motion | fast mixolydian mo=fast bass=pulsing rh=electronic
dark | darker, shadowy, shadows, gloom, dim | slow minor very_dark pad=dark bass=sub lead=sine md=sparse sp=large
bright | brighter, luminous, radiant, brilliant, gleaming | medium major very_bright lead=celesta padi=strings acc=chime tex=shimmer d=6
deep | depth, profound, deep down | slow minor very_dark bass=sub pad=dark sp=large
high | lofty, soaring high, up high | medium lydian very_bright reg=5-6 lead=flute pad=thin_high
magical | magic, enchanted, enchanting, spell, sorcery | slow lydian bright lead=celesta padi=strings acc=glockenspiel tex=shimmer harm=cinematic d=6
fairy tale | fairytale, once upon a time, storybook | medium lydian lead=celesta padi=strings acc=glockenspiel harm=cinematic mel=lyrical d=6
fantasy | fantasy world, high fantasy, elves, elven | medium dorian lead=flute padi=strings pad=cinematic harm=cinematic mel=heroic acc=chime d=6
sci-fi | science fiction, scifi, sci fi | medium lydian lead=sine padi=saw rh=electronic tex=glitch e=medium d=5
comedy | comic, slapstick, cartoon | fast major bright lead=calliope bass=walking rh=march lp=very_leapy acc=wood_block d=6
tragedy | tragic, doomed, downfall | slow harmonic_minor dark lead=strings pad=cinematic mel=falling harm=cinematic cad=strong
nature | the outdoors, wilderness, natural world, great outdoors | slow major_pentatonic lead=flute padi=strings harm=folk tex=wind sp=large d=5
urban | gritty city, concrete jungle, street | medium minor rh=electronic bass=syncopated lead=electric_piano tex=noise_wash d=5
rural | country life, pastoral, bucolic | slow major lead=flute bass=fifths harm=folk rh=soft_four
epicness | grandeur, legendary, legend, mythic, mythical | slow minor lead=brass padi=choir pad=cinematic rh=taiko harm=cinematic sp=vast ten=ramp
military | army, soldiers, troops, regiment | medium minor 2/4 rh=march lead=brass bass=octave h=tight cad=strong
royal court | nobility, aristocracy, aristocratic | medium major lead=pluck padi=strings bass=walking orn=heavy cad=very_strong
tribal | tribe, primal, ritual, ritual drums | medium minor_pentatonic rh=taiko bass=drone h=loose lead=flute harm=drone
cheap | cheesy, tacky, kitsch | fast major lead=square_8bit padi=organ rh=electronic h=robotic
energy | energetic, high energy, lively, vibrant, dynamic | fast major bright rh=four_on_floor bass=octave md=busy d=5
lazy | laziness, idle, slacker, lounging | slow major rh=brush sw=heavy h=loose md=sparse lead=electric_piano harm=jazz
"""

CATEGORY_BLOCKS["nature"] = """
water | aquatic, h2o, water drops, droplets | slow lydian tex=ocean lead=electric_piano pad=drift mo=medium e=medium d=5
fire | flames, blaze, burning, inferno, bonfire | fast phrygian bright rh=taiko lead=brass tex=noise_wash mo=fast bass=pulsing d=5
earth | soil, ground, clay, stone | slow minor_pentatonic dark bass=drone lead=marimba h=loose
air | sky, the sky, heavens | slow lydian bright pad=thin_high lead=flute tex=wind sp=vast d=5
stone | rock face, granite, boulder | slow minor dark lead=marimba bass=drone sp=large h=tight
stars | starry, starlight, starry night, constellations, twinkle | very_slow lydian dark tex=stars lead=celesta acc=chime sp=vast pad=drift d=6 md=sparse
birds | birdsong, birds singing, dawn chorus, songbirds | medium major very_bright lead=flute md=busy orn=heavy lp=leapy tex=wind d=5
whale | whales, whale song, humpback | very_slow lydian very_dark tex=ocean lead=sine pad=drift e=heavy bass=sub d=5 sp=vast
wolf | wolves, howling, pack of wolves | slow minor dark tex=wind lead=strings bass=drone pad=dark sp=vast d=5
cat | cats, kitten, purring | slow major lead=pluck bass=walking sw=light md=sparse lp=leapy
dog | dogs, puppy, puppies | fast major bright lead=marimba rh=soft_four lp=leapy
horse | horses, stallion, mustang | fast mixolydian 6/8 rh=march bass=pulsing lead=strings
insects | crickets, cicadas, bugs, fireflies | slow major tex=noise_wash acc=blip md=sparse lead=pluck d=6
flowers | flower, blossoms, petals, bouquet | medium major bright lead=celesta padi=strings acc=chime harm=folk d=6
tree | trees, oak, ancient tree, willow | slow dorian lead=flute padi=strings bass=drone harm=folk tex=wind d=5
leaves | rustling leaves, foliage | slow major tex=wind lead=pluck md=sparse d=5
thunder | rumble, rumbling, distant thunder | slow phrygian very_dark lead=strings rh=taiko bass=sub acc=gong tex=rain d=6
sand | sandy dunes, grains of sand | slow phrygian_dominant tex=wind lead=ney pad=drift d=5
snowflake | snowflakes falling, flurries | slow lydian very_bright lead=celesta acc=glockenspiel tex=shimmer md=sparse d=6
waves | crashing waves, surf break, tide, tides | slow major tex=ocean pad=swell bass=pulsing lead=sine d=5 mo=medium
"""

CATEGORY_BLOCKS["character"] = """
robot | robots, android, cyborg, automaton, ai | medium minor lead=square_8bit padi=saw rh=electronic h=robotic mr=always acc=blip d=6
alien | aliens, extraterrestrial, ufo, martians | slow whole_tone lead=sine padi=saw e=heavy mo=fast tex=glitch d=5
ghost | ghosts, spirit, phantom, haunting, specter | slow whole_tone dark lead=choir pad=drift e=heavy tex=wind sp=vast d=5
dragon | dragons, wyvern | fast phrygian dark lead=brass padi=choir pad=cinematic rh=taiko bass=sub acc=gong harm=cinematic d=6
angel | angels, angelic, heavenly, heaven, celestial | slow lydian very_bright lead=choir padi=strings pad=swell acc=chime sp=vast d=6
demon | demons, hell, infernal, devil, satanic | medium locrian very_dark lead=organ padi=choir bass=sub rh=heartbeat harm=cinematic
hero | heroes, superhero, champion | fast major lead=brass padi=strings mel=heroic rh=march pad=cinematic harm=cinematic cad=strong
villain | bad guy, antagonist, evil lair, supervillain | slow harmonic_minor dark lead=organ padi=strings bass=walking pad=dark harm=cinematic
wizard | wizards, sorcerer, mage, witch, witchcraft | medium dorian lead=celesta padi=strings acc=glockenspiel tex=shimmer harm=cinematic d=6
princess | prince, royal princess, queen | slow major bright lead=strings padi=strings 3/4 rh=waltz acc=glockenspiel d=6
pirate | pirates, buccaneer, swashbuckler, corsair | fast dorian 6/8 lead=flute padi=strings bass=octave rh=march harm=folk
ninja | ninjas, shinobi, assassin | fast in_sen rh=taiko lead=flute sy=heavy md=sparse harm=modal
samurai | ronin, bushido, shogun | slow hirajoshi lead=koto rh=taiko bass=drone acc=gong harm=modal
knight | knights, paladin, crusader, chivalry | medium dorian lead=brass rh=march pad=fifths harm=modal cad=strong
spy | secret agent, double agent, 007 | medium minor rh=brush bass=walking lead=brass sw=light ext=sevenths harm=jazz ten=ramp
cowboy | gunslinger, outlaw, sheriff | medium mixolydian lead=pluck bass=fifths rh=soft_four tex=wind e=medium harm=folk d=5
monster | monsters, beast, creature, kaiju | medium locrian very_dark bass=sub lead=tuba rh=taiko acc=gong d=6
fairy | fairies, pixie, sprite, fae | fast lydian very_bright lead=celesta acc=glockenspiel tex=shimmer md=busy d=6
mermaid | mermaids, siren, sirens | slow lydian tex=ocean lead=choir pad=drift e=heavy d=5
vampire | vampires, dracula, count dracula | slow harmonic_minor very_dark lead=organ padi=organ 3/4 rh=waltz harm=cinematic
zombie | zombies, undead, walking dead | slow locrian very_dark rh=heartbeat bass=sub lead=saw h=drunk tex=noise_wash d=5
astronaut | cosmonaut, spacewalk | slow lydian sp=vast lead=sine tex=stars pad=drift e=heavy d=5
king | kings, emperor, monarch | medium major lead=brass padi=strings rh=march cad=very_strong harm=cinematic
clown | clowns, jester, harlequin | fast major lead=calliope bass=octave rh=march lp=very_leapy h=drunk
sailor | sailors, mariner, seaman | medium dorian 6/8 lead=flute bass=fifths tex=ocean harm=folk d=5
baby | babies, newborn, infant | very_slow major lead=celesta rh=none md=sparse 3/4 st=narrow d=3
"""

# --------------------------------------------------------------------------------------
# Second pass: breadth (more cities, landscapes, everyday places, sports, food, animals...)
# --------------------------------------------------------------------------------------

CATEGORY_DEFAULTS["food"] = "sp=small"

CATEGORY_BLOCKS["place"] += """
vienna | viennese, wien | medium major 3/4 rh=waltz lead=strings padi=strings harm=pop cad=strong
prague | bohemian, prague old town | slow harmonic_minor lead=strings padi=strings acc=bells harm=cinematic d=6
dubai | emirates, abu dhabi, desert city | medium phrygian_dominant bright rh=four_on_floor lead=oud padi=saw bass=syncopated harm=pop d=5
jerusalem | holy city, old city walls | slow double_harmonic sp=vast lead=ney padi=choir bass=drone acc=bells d=6
delhi | new delhi, old delhi | medium phrygian_dominant rh=dhol lead=shehnai pad=tanpura orn=heavy d=5
varanasi | benares, ganges, ghats | slow phrygian_dominant pad=tanpura lead=bansuri bass=drone rh=teental acc=bells orn=heavy d=6
hong kong | kowloon, victoria harbour | medium minor_pentatonic rh=electronic lead=electric_piano tex=rain ext=sevenths harm=jazz d=5 | neon, rain and seventh chords
singapore | marina bay | medium major bright rh=electronic lead=electric_piano ext=ninths harm=jazz
sydney | bondi, harbour bridge | medium major bright rh=soft_four lead=pluck tex=ocean d=5
los angeles | la, hollywood hills, sunset boulevard | medium mixolydian rh=soft_four lead=electric_piano bass=syncopated ext=sevenths harm=jazz sw=light
hollywood | golden age of hollywood, silver screen, red carpet | medium major lead=strings padi=strings pad=cinematic harm=cinematic cad=strong
miami | miami beach, south beach | fast minor rh=four_on_floor lead=saw padi=saw bass=syncopated tex=ocean d=5
chicago | windy city, chicago blues | medium blues rh=brush lead=pluck padi=organ bass=walking sw=shuffle harm=blues ext=sevenths
texas | lone star, texan, austin | medium mixolydian lead=pluck bass=fifths rh=soft_four sw=light harm=folk
mexico city | cdmx | medium harmonic_minor rh=bossa lead=brass bass=syncopated harm=folk
reykjavik | icelandic town | slow lydian bright lead=celesta pad=thin_high tex=wind ext=sus sp=vast d=5
stockholm | sweden, swedish | medium major lead=electric_piano rh=soft_four harm=pop cad=strong
barcelona | catalan, catalonia | medium phrygian_dominant lead=pluck rh=bossa sy=medium harm=folk
silicon valley | tech startup, startup office | medium major bright rh=electronic lead=sine padi=saw bass=pulsing h=tight tex=glitch d=5
fjord | fjords, norwegian coast | slow dorian sp=vast lead=strings pad=fifths tex=wind d=5
cliffs | cliff, cliff edge, sea cliffs | slow dorian sp=vast tex=wind lead=strings pad=swell harm=cinematic d=5
hills | rolling hills, hillside | medium major_pentatonic lead=flute harm=folk tex=wind d=5
great plains | plains, flatlands | slow mixolydian sp=vast lead=pluck tex=wind bass=fifths harm=folk d=5
bamboo forest | bamboo grove, arashiyama | slow in_sen lead=flute tex=wind acc=chime md=sparse d=6
rice fields | rice paddies, paddy field, rice terraces | slow major_pentatonic lead=flute tex=breath harm=folk d=5
salt flats | bonneville, salt desert | slow lydian very_bright sp=vast pad=thin_high lead=sine tex=wind d=5
hot springs | geyser, geothermal, onsen | slow whole_tone tex=noise_wash lead=bell pad=drift d=5
parking garage | car park, parking lot | slow minor dark sp=large e=medium rh=minimal lead=sine tex=noise_wash d=5
gas station | petrol station, truck stop, service station | slow mixolydian lead=pluck rh=soft_four tex=noise_wash harm=blues d=5
laundromat | launderette, laundry room | medium major rh=soft_four lead=electric_piano tex=noise_wash mr=often d=5
diner | roadside diner, greasy spoon | medium major rh=brush lead=electric_piano bass=walking sw=medium harm=blues ext=sevenths
motel | roadside motel, cheap motel | slow minor dark rh=brush lead=electric_piano tex=vinyl ext=sevenths harm=jazz d=5
bowling alley | bowling, ten pin | medium major rh=soft_four lead=organ bass=walking sw=light
ice rink | skating rink, ice skating | medium major 3/4 rh=waltz lead=organ padi=strings
museum | art gallery, gallery, exhibition | slow lydian lead=electric_piano md=sparse rh=none ext=ninths harm=jazz d=3
planetarium | observatory, star show | very_slow lydian tex=stars lead=celesta pad=drift sp=vast d=5
aquarium | oceanarium, fish tank | slow lydian tex=ocean lead=marimba pad=drift acc=chime d=6
bridge | suspension bridge, crossing the bridge | medium major lead=strings pad=swell mel=rising harm=cinematic
"""

CATEGORY_BLOCKS["time_of_day"] += """
brunch | sunday brunch, mimosas | medium major rh=bossa lead=electric_piano ext=sevenths harm=jazz
happy hour | after work drinks, cocktail hour | medium major rh=brush lead=electric_piano bass=walking sw=light ext=sevenths harm=jazz
sunday morning | lazy sunday, sunday | slow major rh=soft_four lead=electric_piano tex=vinyl ext=sevenths harm=jazz d=5
school's out | last day of school, summer break | fast major bright rh=rock lead=pluck harm=pop
back to school | first day of school, new semester | medium major rh=soft_four lead=pluck mel=rising harm=pop
"""

CATEGORY_BLOCKS["season"] += """
first snow | first snowfall | slow lydian bright lead=celesta acc=glockenspiel tex=shimmer d=6
indian summer | late summer, end of summer | slow mixolydian lead=pluck tex=wind ext=sevenths harm=folk d=5
spring rain | april showers | slow major tex=rain lead=flute harm=folk d=5
"""

CATEGORY_BLOCKS["emotion"] += """
amusement | amused, entertained | medium major lead=marimba rh=soft_four lp=leapy
disgust | disgusted, revolted, gross | medium locrian dark lead=tuba h=drunk lp=very_leapy
surprise | surprised, unexpected, astonished | fast lydian bright lead=celesta acc=brass_hit lp=very_leapy d=6
admiration | admire, respect | slow major lead=strings mel=rising harm=cinematic
trust | faith, trusting, loyalty | slow major pad=warm lead=strings cad=strong harm=folk
insecurity | insecure, self-doubt, doubt | slow minor lead=electric_piano md=sparse ten=waves h=loose
overwhelmed | overwhelm, stressed, stress, burnout | fast locrian tex=noise_wash mo=chaotic sy=heavy rh=electronic d=5
ambition | ambitious, driven, hustle | fast dorian rh=four_on_floor lead=brass ten=ramp mel=rising
sentimental | sentimentality, mushy | slow major lead=strings ext=sevenths harm=cinematic
compassion | empathy, kindness, kind | slow major lead=flute pad=warm harm=folk cad=strong
ennui | listless, apathy, apathetic, numb | very_slow minor lead=sine md=very_sparse mr=always rh=none mo=static d=2
giddy | bubbly, giggly | fast major very_bright lead=celesta acc=glockenspiel lp=leapy rh=soft_four d=6
paranoia | paranoid, being watched | medium locrian dark rh=heartbeat tex=glitch bass=pulsing ten=waves d=5
resignation | resigned, acceptance, letting go | slow major lead=strings mel=falling ten=release cad=weak
"""

CATEGORY_BLOCKS["activity"] += """
drum circle | drumming circle, drum jam, thundering drums, community drumming, hand drumming | fast minor_pentatonic 12/8 rh=djembe bass=drone bassi=sine pad=none mel=none d=4 sp=large st=wide | a ring of djembes, dunun and frame drums around the 12/8 bell
football | soccer, football match, stadium | fast major rh=march lead=brass padi=brass acc=brass_hit cad=strong d=6
basketball | hoops, streetball | fast dorian rh=electronic bass=syncopated lead=saw sy=heavy
tennis | tennis match, wimbledon | medium major rh=soft_four lead=pluck h=tight
golf | golf course, putting green | slow major rh=brush lead=electric_piano ext=sevenths harm=jazz
boxing | boxer, prize fight, in the ring | fast minor rh=rock bass=octave lead=brass acc=brass_hit ext=power d=6
martial arts | kung fu, karate, dojo | fast minor_pentatonic rh=taiko lead=flute acc=gong sy=heavy d=6
racing | race car, formula one, motorsport, grand prix | very_fast minor rh=electronic bass=pulsing lead=saw ten=ramp mo=fast
olympics | olympic games, medal ceremony | medium major lead=brass padi=strings rh=march pad=cinematic mel=heroic cad=very_strong
scuba diving | diving, snorkeling, dive | slow lydian dark tex=ocean pad=drift lead=sine e=heavy d=5
skydiving | skydive, parachute, base jump | fast lydian bright tex=wind lead=strings pad=swell ten=ramp d=5
kayaking | canoe, canoeing, paddling | medium major_pentatonic tex=ocean lead=flute rh=soft_four d=5
birdwatching | birding, bird watching | slow major lead=flute md=sparse tex=wind orn=medium d=5
photography | taking photos, photo walk | medium lydian lead=electric_piano rh=soft_four ext=ninths harm=jazz
pottery | ceramics, throwing clay, potter's wheel | slow major lead=marimba rh=none md=sparse h=loose
woodworking | carpentry, woodshop | medium major lead=marimba acc=wood_block rh=soft_four d=6
video call | zoom call, online meeting, conference call | medium major rh=soft_four lead=electric_piano h=tight md=sparse sp=small
deadline | crunch time, last minute, due tomorrow | fast minor rh=electronic bass=pulsing lead=square_8bit ten=ramp h=tight
moving house | moving day, packing boxes | medium major rh=soft_four lead=pluck harm=pop
sunbathing | tanning, lying in the sun | slow major bright tex=ocean lead=electric_piano rh=bossa d=5
rowing | regatta, rowing crew | medium dorian rh=march lead=strings mr=often
archery | bow and arrow, archer | medium dorian lead=flute rh=minimal md=sparse h=tight
horse racing | derby, racetrack | fast major rh=march lead=brass bass=pulsing
"""

CATEGORY_BLOCKS["food"] = """
coffee | espresso, latte, cappuccino, morning coffee | medium major rh=brush lead=electric_piano ext=sevenths harm=jazz sw=light | brushed jazz and a warm electric piano
tea | green tea, cup of tea, chai | slow major lead=pluck md=sparse harm=folk rh=none
chocolate | cocoa, hot chocolate | slow major dark lead=electric_piano ext=ninths harm=jazz
wine | red wine, glass of wine | slow major dark lead=electric_piano bass=walking ext=sevenths harm=jazz rh=brush
whiskey | whisky, bourbon, scotch | slow blues dark lead=pluck bass=walking harm=blues ext=sevenths sw=medium rh=brush
beer | pints, brewery, craft beer | medium major lead=pluck rh=soft_four harm=folk h=loose
cocktail | cocktails, martini, mixology | medium major rh=bossa lead=marimba ext=ninths harm=jazz
spicy | spice, chili, hot sauce | fast phrygian_dominant lead=brass rh=bossa sy=heavy
sweet | sugar, candy, sweets, dessert | medium major very_bright lead=celesta acc=glockenspiel d=6
sour | bitter, tart | medium locrian lead=pluck sy=heavy lp=leapy
sushi | sushi bar, izakaya | medium in_sen lead=koto rh=minimal
pizza | pizzeria | medium major lead=pluck bass=fifths rh=soft_four harm=folk
barbecue | bbq, cookout, grill | medium mixolydian rh=rock lead=pluck bass=walking sw=light harm=blues
ice cream | ice cream truck, gelato | medium major very_bright lead=calliope acc=glockenspiel rh=soft_four d=6
dinner | candlelit dinner, dinner for two | slow major rh=brush lead=electric_piano ext=sevenths harm=jazz
street food | food truck, night market | medium mixolydian rh=soft_four lead=pluck acc=wood_block tex=noise_wash d=6
honey | honeyed, golden honey | slow major lead=flute pad=warm harm=folk
lemonade | summer lemonade, lemon | medium major bright lead=pluck rh=soft_four
soup | warm soup, broth, stew | slow major dark pad=warm lead=sine md=sparse
bakery | fresh bread, bread, pastries, croissant | medium major lead=pluck pad=warm rh=soft_four harm=folk
"""

CATEGORY_BLOCKS["nature"] += """
owl | owls, night owl | slow minor dark lead=flute md=sparse tex=wind d=5
elephant | elephants | slow major dark lead=tuba bass=octave rh=march
butterfly | butterflies, moth | medium lydian bright lead=celesta md=busy lp=leapy tex=shimmer d=5
bees | bee, bumblebee, buzzing | fast major lead=saw md=very_busy lp=stepwise mo=fast
dolphin | dolphins, porpoise | medium lydian bright tex=ocean lead=sine mel=arpeggio lp=leapy d=5
jellyfish | medusa, jellies | very_slow whole_tone tex=ocean pad=drift lead=bell e=heavy d=5
eagle | hawk, falcon, raptor | medium mixolydian sp=vast lead=brass mel=rising tex=wind d=5
snake | serpent, cobra, snake charmer | medium phrygian_dominant lead=shehnai bass=drone orn=heavy sy=medium
lion | lions, king of the jungle | medium minor lead=brass rh=taiko bass=sub
rabbit | bunny, bunnies, hare | fast major lead=pluck md=busy lp=leapy
frog | frogs, toad, pond life | medium major lead=marimba acc=wood_block tex=breath d=6
raven | ravens, crow, crows | slow phrygian dark lead=strings pad=dark sp=large
deer | fawn, stag | slow major lead=flute md=sparse tex=wind d=5
bear | bears, grizzly | slow minor dark lead=tuba bass=sub
spider | spiders, cobweb, spider web | slow whole_tone lead=pluck md=sparse sy=medium tex=breath d=5
moss | mossy, lichen | very_slow dorian dark pad=drift lead=sine tex=breath d=5
mushroom | mushrooms, fungi | slow whole_tone lead=marimba pad=drift e=medium
"""

CATEGORY_BLOCKS["character"] += """
scientist | mad scientist, inventor | medium whole_tone lead=sine acc=blip tex=glitch lp=leapy d=6
giant | giants, titan, colossus | slow minor very_dark lead=tuba bass=sub rh=taiko
gnome | gnomes, dwarf, dwarves | medium dorian lead=tuba bass=octave rh=march lp=leapy
troll | trolls, ogre, goblin, goblins | medium locrian dark lead=tuba bass=walking h=drunk
grandparents | grandma, grandmother, grandpa, grandfather | slow major lead=celesta tex=vinyl harm=folk d=5
lovers | couple, sweethearts | slow major lead=strings ext=sevenths harm=jazz
wanderer | drifter, traveller, traveler, vagabond | slow dorian lead=pluck tex=wind harm=folk d=5
pilot | aviator, fighter pilot | fast mixolydian lead=brass rh=march pad=cinematic tex=wind d=5
"""

CATEGORY_BLOCKS["genre"] += """
classic rock | 70s rock, dad rock | fast mixolydian rh=rock lead=saw padi=organ bass=octave ext=power
soft rock | yacht rock, adult contemporary | medium major rh=soft_four lead=electric_piano bass=syncopated ext=sevenths harm=jazz
synthpop | synth-pop, new wave, electropop | fast minor rh=electronic lead=saw padi=saw bass=octave
electro | electro funk, electroclash | fast minor rh=electronic lead=square_8bit bass=syncopated sy=heavy
ambient techno | ambient house | medium dorian rh=four_on_floor bass=pulsing lead=sine pad=drift e=heavy
choral | choral music, a cappella, acapella | slow major lead=choir padi=choir rh=none harm=cinematic
nursery rhyme | nursery rhymes, kids song, children's song | medium major bright lead=celesta rh=soft_four mr=always cad=very_strong acc=glockenspiel d=6
jingle | commercial jingle, advert music, ad music | fast major bright lead=pluck rh=soft_four cad=very_strong mr=always
national anthem | anthem, patriotic | medium major lead=brass padi=strings rh=march cad=very_strong harm=cinematic
nocturne | nocturnes, night piece | slow minor dark lead=electric_piano bass=arpeggio rh=none ext=sevenths harm=cinematic
bolero | ravel bolero, bolero rhythm | medium major 3/4 rh=march lead=flute ten=ramp mr=always
reggaeton | dembow, perreo | medium minor rh=electronic bass=syncopated lead=saw sy=heavy
bachata | bachata guitar | medium minor lead=pluck rh=bossa bass=syncopated sy=medium
amapiano | log drum, piano house | medium dorian rh=four_on_floor bass=sub lead=electric_piano ext=sevenths harm=jazz sy=medium
gothic | goth, darkwave, gothic rock | slow harmonic_minor very_dark lead=organ padi=choir pad=dark rh=electronic
"""

CATEGORY_BLOCKS["instrument"] += """
timpani | kettle drums, orchestral drums | medium minor dark rh=taiko bass=octave harm=cinematic
snare drum | snare, drum roll, drumline | fast major rh=march h=tight
lyre | kithara, ancient harp | slow dorian lead=pluck bass=drone harm=modal
balalaika | domra | fast harmonic_minor lead=pluck bass=octave rh=march
sarangi | esraj, bowed indian | slow phrygian_dominant lead=strings pad=tanpura bass=drone orn=florid
veena | saraswati veena | slow harmonic_minor lead=sitar pad=tanpura bass=drone orn=heavy
pipa | chinese lute | medium major_pentatonic lead=koto orn=heavy md=busy
harmonium | pump organ, reed organ | slow major lead=organ padi=organ pad=tanpura
mellotron | tape strings, mellotron flutes | slow minor lead=flute padi=strings tex=vinyl d=5
glass harmonica | glass harp, singing glasses | slow lydian very_bright lead=bell pad=thin_high e=medium
harmonica | blues harp, mouth harp | medium blues lead=calliope bass=walking rh=brush harm=blues sw=shuffle
"""

CATEGORY_BLOCKS["abstract"] += """
liminal | liminal space, backrooms, empty mall | slow lydian sp=vast e=heavy lead=electric_piano tex=noise_wash pad=drift ext=ninths d=5
surreal | surrealism, bizarre, dali | medium whole_tone lead=celesta e=heavy mo=fast lp=very_leapy tex=shimmer d=5
absurd | absurdity, nonsense | fast whole_tone lead=calliope h=drunk lp=very_leapy acc=wood_block d=6
ethereal | otherworldly, ghostly light | slow lydian bright lead=choir pad=drift e=heavy sp=vast tex=shimmer d=5
kawaii | cute, adorable | fast major very_bright lead=celesta acc=glockenspiel rh=soft_four lp=leapy d=6
cosmic | astral, interstellar, celestial bodies | slow lydian sp=vast e=heavy tex=stars pad=drift lead=saw d=5
"""

CATEGORY_BLOCKS["culture"] += """
silk road | central asia, samarkand, uzbek, caravanserai | medium double_harmonic lead=oud rh=saidi bass=drone orn=heavy tex=wind d=5 | a caravan's oud and frame drum over the steppe wind
afghan | afghanistan, rubab, kabul | medium phrygian_dominant lead=pluck rh=teental pad=drift orn=heavy
native american | first nations, powwow, plains flute | slow minor_pentatonic lead=flute rh=heartbeat bass=drone tex=wind harm=drone d=5 | cedar flute over a steady drum
inuit | arctic peoples, throat song, inuk | slow minor_pentatonic bass=drone pad=drift lead=choir tex=wind d=5
alpine | swiss, yodel, alphorn, alpine village | medium major 3/4 rh=waltz lead=brass bass=fifths harm=folk sp=vast
finnish | finland, kantele, helsinki | slow dorian lead=pluck tex=wind harm=folk
georgian | caucasus, georgian polyphony, tbilisi | slow dorian lead=choir padi=choir bass=drone harm=drone
filipino | philippines, kulintang, manila | medium major_pentatonic lead=marimba acc=gong rh=minimal d=6
"""

CATEGORY_BLOCKS["genre"] += """
ragtime | scott joplin, stride piano, honky-tonk piano | fast major 2/4 rh=march lead=electric_piano bass=octave sy=heavy harm=blues ext=sevenths | syncopated piano over an oom-pah left hand
"""

CATEGORY_BLOCKS["era"] += """
2010s | twenty tens, edm era, festival drops | fast minor rh=four_on_floor lead=saw padi=saw tex=noise_wash d=5
belle epoque | fin de siecle, gilded age | medium major 3/4 rh=waltz lead=strings ext=sevenths harm=jazz
imperial china | forbidden city, chinese dynasty, tang dynasty | slow major_pentatonic lead=koto acc=gong orn=medium d=6
feudal japan | edo period, shogunate | slow in_sen lead=koto rh=taiko acc=gong md=sparse d=6
"""

CATEGORY_BLOCKS["weather"] += """
drought | parched, dry spell, scorched earth | slow phrygian dark tex=wind lead=pluck pad=drift md=sparse d=5
sleet | freezing rain, icy rain | slow minor tex=rain lead=bell pad=thin_high d=5
sunshower | sun shower, rain with sunshine | medium lydian bright tex=rain lead=celesta acc=chime d=6
petrichor | smell of rain, after the storm | slow dorian tex=rain lead=electric_piano ext=sevenths harm=jazz md=sparse d=5
"""

CATEGORY_BLOCKS["time_of_day"] += """
before dawn | 5am, predawn, five in the morning | very_slow dorian very_dark pad=drift lead=sine tex=stars md=very_sparse d=5
sunday night | sunday scaries, end of the weekend | slow minor rh=soft_four lead=electric_piano md=sparse ext=sevenths harm=jazz
"""

CATEGORY_BLOCKS["colour"] += """
rust | rusty, ochre, terracotta | slow dorian dark lead=pluck tex=vinyl h=loose d=5
burgundy | maroon, oxblood, wine red | slow harmonic_minor dark lead=strings ext=sevenths harm=cinematic
olive | olive green, khaki, sage green | slow mixolydian lead=pluck harm=folk
coral | peach, salmon pink | medium major bright lead=marimba rh=bossa
beige | cream, off-white, taupe | medium major lead=electric_piano md=sparse rh=soft_four
neon green | acid green, radioactive green | fast phrygian very_bright lead=square_8bit rh=electronic tex=glitch d=5
"""

CATEGORY_BLOCKS["texture"] += """
jagged | spiky, angular, sharp edges | fast locrian lead=saw sy=heavy lp=very_leapy h=tight
mellow | rounded, soft-edged, round tone | slow major dark lead=sine pad=warm ext=sevenths
hollow | hollowed out, empty sound | slow minor dark lead=flute sp=large md=sparse pad=thin_high
bubbling | bubbles, fizzy, effervescent | medium lydian bright lead=marimba mel=arpeggio md=busy acc=blip d=6
woolly | woolen, fuzzy warmth | slow major very_dark lead=electric_piano tex=vinyl pad=warm d=5
"""
