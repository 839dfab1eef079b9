"""What the base model *knows* about a prompt, read as answers to a few fixed questions.

Why: the head's mean-pooled hidden states and the concept library's spelling both miss what
a prompt implies but does not say. SmolLM2-135M-Instruct does know that a *sangeet* and
*rajasthan* are Indian, *hanami* Japanese, a *ceilidh* Irish or Scottish, *dia de los muertos*
Mexican, that a funeral is slow and a panic attack tense — when asked. So each prompt is put
to the model as a chat request ("Describe the music for: …") and the assistant's reply is
started several ways ("It comes from the country of", "The tempo is", "The mood is", …); the
model's next-token log-probabilities over a fixed list of answer words, one list per question
(:data:`CLOZE_QUESTIONS`), are its answers. Two things read them: the country answer proposes
a library culture for a prompt that spells none (:func:`propose_culture`, :func:`with_culture`),
and all answers weigh into the head's tempo and brightness (:mod:`moodc.gen.fusion`, fitted by
``moodc train``).

Cost: one forward pass of all 30 blocks over the request and the question openings. The
openings share the request: a mask lets each opening see the request and its own tokens only
(:func:`cloze_mask`), so the request is computed once, not once per question.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The chat request the questions answer (SmolLM2's chat format, no system turn).
REQUEST_HEAD = "<|im_start|>user\nDescribe the music for: "
REQUEST_TAIL = "<|im_end|>\n<|im_start|>assistant\n"
#: Longest prompt read, in tokens (as :data:`moodc.gen.head.MAX_PROMPT_TOKENS`).
MAX_PROMPT_TOKENS = 256
#: Tokens packed into one forward pass (several prompts, block-diagonal attention).
PACK_TOKENS = 768


@dataclass(frozen=True)
class ClozeQuestion:
    """One opening of the assistant's reply and the answer words read after it.

    Attributes
    ----------
    name : str
        Short key (``country``), used in ``--explain`` and the feature layout.
    opening : str
        The reply's first words; the answer is the next word.
    answers : tuple of str
        Candidate next words. A multi-token word is scored by its first token, so the lists
        avoid first tokens two answers would share. ``the``/``not``-like fillers stay in a
        list where the model uses them to say "none of these" (a prompt with no country).
    """

    name: str
    opening: str
    answers: tuple[str, ...]


#: The questions, in feature order. Lists were chosen by a musician's reading of the
#: vocabulary (cultures the library has scales and instruments for, the tempo, brightness and
#: mood words its fields express), not tuned on any evaluation split.
CLOZE_QUESTIONS: tuple[ClozeQuestion, ...] = (
    ClozeQuestion("country", "It comes from the country of", tuple(
        "India Pakistan China Japan Korea Indonesia Thailand Vietnam Mongolia Tibet Nepal Iran "
        "Turkey Egypt Morocco Arabia Israel Greece Russia Ukraine Poland Hungary Romania Germany "
        "Austria France Italy Spain Portugal Ireland Scotland England Sweden Norway Finland "
        "America Mexico Cuba Jamaica Brazil Argentina Peru Colombia Nigeria Ghana Mali Senegal "
        "Kenya Ethiopia Africa Hawaii Australia the not a".split())),
    ClozeQuestion("tempo", "The tempo is", tuple(
        "fast slow moderate upbeat calm lively steady quick relaxed gentle".split())),
    ClozeQuestion("sound", "The sound is", tuple(
        "bright dark warm soft loud gentle heavy light harsh airy deep cold".split())),
    ClozeQuestion("mood", "The mood is", tuple(
        "happy sad calm tense dark joyful peaceful eerie energetic melancholy romantic epic "
        "playful mysterious angry dreamy nostalgic festive triumphant lonely anxious hopeful "
        "serene solemn cheerful spooky intense relaxed somber uplifting".split())),
    ClozeQuestion("instrument", "The main instrument is the", tuple(
        "piano guitar violin flute drums sitar cello harp organ synth trumpet saxophone "
        "accordion bagpipes koto oud bells strings choir bass clarinet banjo marimba".split())),
    ClozeQuestion("genre", "The genre is", tuple(
        "jazz rock classical folk electronic ambient pop metal techno blues hip reggae country "
        "orchestral traditional world cinematic punk funk disco dance house gospel latin"
        .split())),
)


def questions_digest(questions: Sequence[ClozeQuestion]) -> str:
    """Short hash of the request and questions (feature-cache key)."""
    text = json.dumps([REQUEST_HEAD, REQUEST_TAIL,
                       [[q.name, q.opening, list(q.answers)] for q in questions]])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def answer_token_ids(tokenizer: Any, questions: Sequence[ClozeQuestion]) -> np.ndarray:
    """The first token of each answer word as it follows a space, in feature order."""
    return np.array([tokenizer.encode(" " + word).ids[0]
                     for q in questions for word in q.answers], dtype=np.int64)


def _plain(prompt: str) -> str:
    """The prompt with chat-control markers defused, so a prompt cannot close the request."""
    return prompt.strip().replace("<|", "< |") or "music"


@dataclass(frozen=True)
class ClozeTokens:
    """One prompt's request and question openings, laid out for one forward pass."""

    ids: np.ndarray  # request tokens, then each opening's tokens
    positions: np.ndarray  # each opening continues the request's positions
    segment: np.ndarray  # 0 for the request, k for the k-th opening
    last: np.ndarray  # index of each opening's last token (where the answer is read)


def cloze_tokens(tokenizer: Any, prompt: str, *,
                 questions: Sequence[ClozeQuestion]) -> ClozeTokens:
    """Token layout of ``prompt``'s request followed by every question's opening."""
    head = tokenizer.encode(REQUEST_HEAD).ids
    own = tokenizer.encode(_plain(prompt)).ids[:MAX_PROMPT_TOKENS]
    tail = tokenizer.encode(REQUEST_TAIL).ids
    request = head + own + tail
    ids, positions, segment, last = list(request), list(range(len(request))), \
        [0] * len(request), []
    for k, question in enumerate(questions, start=1):
        opening = tokenizer.encode(question.opening).ids
        ids += opening
        positions += range(len(request), len(request) + len(opening))
        segment += [k] * len(opening)
        last.append(len(ids) - 1)
    return ClozeTokens(np.array(ids, dtype=np.int32), np.array(positions, dtype=np.int32),
                       np.array(segment), np.array(last))


def cloze_mask(group: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Attention mask: causal, within one prompt, and an opening sees only the request and
    itself (so the openings do not read each other)."""
    index = np.arange(len(group))
    same_prompt = group[:, None] == group[None, :]
    causal = index[None, :] <= index[:, None]
    visible = (segment[None, :] == 0) | (segment[None, :] == segment[:, None])
    return same_prompt & causal & visible


def answer_spans(questions: Sequence[ClozeQuestion]) -> list[slice]:
    """Each question's columns in an answers row, in order."""
    ends = np.cumsum([len(q.answers) for q in questions]).tolist()
    return [slice(end - len(q.answers), end) for q, end in zip(questions, ends)]


def _log_softmax_per_question(logits: np.ndarray,
                              questions: Sequence[ClozeQuestion]) -> np.ndarray:
    """Each question's logits normalised over its own answers (rows are prompts)."""
    out = np.empty_like(logits)
    for span in answer_spans(questions):
        block = logits[:, span]
        top = block.max(axis=1, keepdims=True)
        out[:, span] = block - top - np.log(np.exp(block - top).sum(axis=1, keepdims=True))
    return out


def cloze_features(prompts: Sequence[str], *, encoder: Any,
                   questions: Sequence[ClozeQuestion] = CLOZE_QUESTIONS,
                   max_tokens: int = PACK_TOKENS,
                   progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Per prompt, each question's log-probabilities over its answers: (n, n_answers), float32.

    Several prompts share a forward pass (block-diagonal mask), as in
    :func:`moodc.gen.head.extract_features`; the result equals one pass per prompt up to
    float rounding. ``progress(n_done)`` is called after each pass.
    """
    from moodc.gen.blas import import_mlx_core
    from moodc.gen.head import pack_end
    from moodc.gen.model import forward

    mx = import_mlx_core()
    layouts = [cloze_tokens(encoder.tokenizer, p, questions=questions) for p in prompts]
    lengths = [len(t.ids) for t in layouts]
    answer_rows = encoder.llama.lm_head[mx.array(answer_token_ids(encoder.tokenizer,
                                                                   questions))]
    spans = answer_spans(questions)
    out = np.zeros((len(prompts), spans[-1].stop), dtype=np.float32)
    start = 0
    while start < len(layouts):
        stop = pack_end(lengths, start=start, max_tokens=max_tokens)
        batch = layouts[start:stop]
        group = np.concatenate([np.full(len(t.ids), k) for k, t in enumerate(batch)])
        offsets = np.concatenate([[0], np.cumsum([len(t.ids) for t in batch])])[:-1]
        mask = cloze_mask(group, np.concatenate([t.segment for t in batch]))
        hidden, _ = forward(encoder.llama, mx.array(np.concatenate([t.ids for t in batch])),
                            positions=mx.array(np.concatenate([t.positions for t in batch])),
                            cache=None, mask=mx.array(mask))
        reads = np.concatenate([t.last + off for t, off in zip(batch, offsets)])
        logits = np.array(hidden[mx.array(reads)] @ answer_rows.T, dtype=np.float32)
        logits = logits.reshape(len(batch), len(questions), -1)
        for k in range(len(batch)):
            out[start + k] = np.concatenate([logits[k, q, span]
                                             for q, span in enumerate(spans)])
        start = stop
        if progress is not None:
            progress(start)
    return _log_softmax_per_question(out, questions)


def top_answers(row: np.ndarray, *, questions: Sequence[ClozeQuestion] = CLOZE_QUESTIONS
                ) -> dict[str, tuple[str, float]]:
    """Each question's likeliest answer and its probability among the answers, for one row."""
    out = {}
    for question, span in zip(questions, answer_spans(questions)):
        best = int(np.argmax(row[span]))
        out[question.name] = (question.answers[best], float(np.exp(row[span][best])))
    return out


# --------------------------------------------------------------------------------------
# The country answer as a culture: the model proposes what the library could not spell
# --------------------------------------------------------------------------------------

#: The model's country answer → the library's culture concept that carries that music.
#: Answers without a music of their own in the vocabulary (England, America, Australia,
#: Tibet) or the fillers map to nothing; nor do Sweden and Norway, whose library concept
#: (``nordic``) is the Viking war drum, not a candle procession or a fjord. One table; a
#: musician's mapping, not fitted.
COUNTRY_CULTURE: dict[str, str] = {
    "India": "indian", "Pakistan": "punjabi", "China": "chinese", "Japan": "japanese",
    "Korea": "korean", "Indonesia": "balinese", "Thailand": "thai", "Vietnam": "vietnamese",
    "Mongolia": "mongolian", "Nepal": "nepali", "Iran": "persian", "Turkey": "turkish",
    "Egypt": "egyptian", "Morocco": "moroccan", "Arabia": "arabian", "Israel": "israeli",
    "Greece": "greek", "Russia": "russian", "Ukraine": "ukrainian", "Poland": "polish",
    "Hungary": "hungarian", "Romania": "romani", "Germany": "german", "Austria": "alpine",
    "France": "french", "Italy": "italian", "Spain": "spanish", "Portugal": "portuguese",
    "Ireland": "irish", "Scotland": "scottish",
    "Finland": "finnish", "Mexico": "mexican", "Cuba": "cuban", "Jamaica": "jamaican",
    "Brazil": "brazilian", "Argentina": "argentinian", "Peru": "andean",
    "Colombia": "colombian", "Nigeria": "west african", "Ghana": "west african",
    "Mali": "west african", "Senegal": "west african", "Africa": "west african",
    "Kenya": "east african", "Ethiopia": "ethiopian", "Hawaii": "hawaiian",
}

#: Values that say "this culture" to a listener, per field; only these are carried over
#: from the culture's config (a culture whose lead is a generic pluck leaves the lead as
#: it was). Tempo, brightness, space and the rest stay the prompt's own.
CULTURE_SIGNATURES: dict[str, frozenset[str]] = {
    "mode": frozenset({"phrygian_dominant", "double_harmonic", "hirajoshi", "in_sen",
                       "major_pentatonic", "minor_pentatonic", "ukrainian_dorian",
                       "spanish_phrygian", "pelog", "slendro"}),
    "instruments.lead": frozenset({"koto", "oud", "sitar", "shehnai", "ney", "bansuri",
                                   "nylon_guitar", "bandoneon", "clarinet", "gamelan", "kora",
                                   "guzheng", "erhu", "fiddle", "tin_whistle", "tuba"}),
    "layers.rhythm": frozenset({"bossa", "maqsum", "baladi", "saidi", "teental", "dhol",
                                "taiko", "flamenco", "tango", "oompah", "one_drop",
                                "gong_cycle", "djembe", "jig", "bulgar"}),
    "layers.pad": frozenset({"tanpura"}),
}

#: Per field, the values a culture may replace: the generic ones. A value that already says
#: a style or a culture (the head's shehnai and dhol for a Punjabi wedding, an 8-bit lead for
#: an anime, a waltz) is a reading of the prompt's own words and stays.
REPLACEABLE: dict[str, frozenset[str]] = {
    "mode": frozenset({"major", "minor", "dorian", "phrygian", "lydian", "mixolydian",
                       "locrian", "harmonic_minor", "melodic_minor"}),
    "instruments.lead": frozenset({"sine", "triangle", "saw", "pluck", "bell",
                                   "electric_piano", "strings", "brass", "flute", "marimba"}),
    "layers.rhythm": frozenset({"minimal", "heartbeat", "soft_four", "hats_only", "brush"}),
    "layers.pad": frozenset({"warm", "dark", "cinematic", "thin_high", "drift", "fifths",
                             "swell"}),
}

#: Fields that travel with a signature field (a rhythm's meter, a scale's root).
_COMPANIONS: dict[str, tuple[str, ...]] = {"mode": ("root",), "layers.rhythm": ("meter",)}

#: A culture's scale in the other mode family, where its tradition has one: a sad prompt
#: keeps its minor third in a pentatonic culture instead of being made major.
_FAMILY_TWIN: dict[str, str] = {"major_pentatonic": "minor_pentatonic",
                                "minor_pentatonic": "major_pentatonic"}

#: The model must give a culture at least this probability (its countries' answers summed,
#: among all answers) before it is applied. Chosen with ``tools/cloze_study.py`` on the
#: valid split (signature fields and mode family the labels name: 0.5 / 0.6 / 0.7 / 0.8 →
#: +33 / +43 / +53 / +35 of 8,679 against the default engine), the dev paraphrases (+2 at
#: 0.5–0.8), the held-out test split and the probes (unchanged from 0.6 up).
MIN_COUNTRY_PROBABILITY: float = 0.7

#: The country question alone (a cheaper pass where only the culture is wanted: the word
#: ablation of ``--explain``).
COUNTRY_QUESTIONS: tuple[ClozeQuestion, ...] = (CLOZE_QUESTIONS[0],)


def proposed_culture(row: np.ndarray, *, min_probability: float = MIN_COUNTRY_PROBABILITY,
                     questions: Sequence[ClozeQuestion] = COUNTRY_QUESTIONS
                     ) -> tuple[str, str, float] | None:
    """``(answer, culture concept, probability)`` when the model's country answers put enough
    probability on one culture, else None.

    A culture's probability is the sum over the answers that map to it (Nigeria, Ghana,
    Mali, Senegal and Africa are all West African drumming); the answer named is its likeliest.
    """
    answers = questions[0].answers
    probabilities = np.exp(row[:len(answers)])
    by_culture: dict[str, float] = {}
    for answer, probability in zip(answers, probabilities):
        if answer in COUNTRY_CULTURE:
            culture = COUNTRY_CULTURE[answer]
            by_culture[culture] = by_culture.get(culture, 0.0) + float(probability)
    if not by_culture:
        return None
    culture = max(by_culture, key=lambda c: by_culture[c])
    if by_culture[culture] < min_probability:
        return None
    answer = max((a for a in answers if COUNTRY_CULTURE.get(a) == culture),
                 key=lambda a: probabilities[answers.index(a)])
    return answer, culture, by_culture[culture]


def with_culture(config: dict[str, Any], culture: Any) -> tuple[dict[str, Any], list[str]]:
    """``config`` with the signature values of ``culture`` (a library concept) it names, and
    the paths changed. Only generic values are replaced (:data:`REPLACEABLE`): a rhythm only
    where ``config`` has drums (the prompt's choice of none, a lament, a lullaby, stands), a
    lead or scale only where the config has no style of its own.
    """
    from moodc.config.paths import get_path, set_path

    out = json.loads(json.dumps(config))
    changed = []
    for path, values in CULTURE_SIGNATURES.items():
        value = get_path(culture.config, path)
        if (path not in culture.given or value not in values
                or get_path(out, path) not in REPLACEABLE[path]):
            continue
        for companion in (path, *_COMPANIONS.get(path, ())):
            set_path(out, companion, get_path(culture.config, companion))
        if path == "mode":
            set_path(out, path, _scale_in_family(value, family_of=get_path(config, path)))
        changed.append(path)
    return out, changed


def _scale_in_family(scale: str, *, family_of: str) -> str:
    """``scale``, or its twin in the mode family of ``family_of`` when it has one."""
    from moodc.data.expect import MODE_FAMILY

    twin = _FAMILY_TWIN.get(scale)
    if twin and MODE_FAMILY[scale] != MODE_FAMILY[family_of] == MODE_FAMILY[twin]:
        return twin
    return scale


@dataclass(frozen=True)
class CultureProposal:
    """The model's country answer for a prompt, as the library culture that carries it."""

    answer: str  # the model's word, e.g. "India"
    culture: str  # the library concept, e.g. "indian"
    probability: float  # the culture's probability: its countries' answers summed
    word: str | None = None  # the prompt word it rests on (found only for --explain)


def propose_culture(prompt: str, *, answers: np.ndarray,
                    min_probability: float = MIN_COUNTRY_PROBABILITY) -> CultureProposal | None:
    """Where the model says ``prompt``'s music comes from (its ``answers`` to
    :data:`CLOZE_QUESTIONS` or to :data:`COUNTRY_QUESTIONS`: the country comes first in
    both); None when it names no country with a music of its own, or not confidently, or
    when the prompt spells a culture itself (the library has read it; the user's word wins)."""
    found = proposed_culture(answers, min_probability=min_probability)
    if found is None or spells_culture(prompt):
        return None
    return CultureProposal(*found)


def spells_culture(prompt: str) -> bool:
    """Whether ``prompt`` names a culture concept of the library, by its name or an alias
    (:attr:`moodc.concepts.Match.named`); a word merely found inside a culture's longer
    alias ("beat" in "bhangra beat") names none."""
    from moodc.concepts import match_prompt

    return any(m.concept.category == "culture" and m.named for m in match_prompt(prompt))


def cue_word(prompt: str, *, proposal: CultureProposal, encoder: Any) -> str | None:
    """The prompt word without which the model's country answer falls furthest (one batched
    pass over the prompt with each content word left out); None for a one-word prompt."""
    from moodc.concepts import STOPWORDS, normalise

    words = normalise(prompt).split()
    candidates = [i for i, w in enumerate(words) if w not in STOPWORDS][:16]
    if len(words) < 2 or not candidates:
        return None
    ablated = [" ".join(words[:i] + words[i + 1:]) for i in candidates]
    rows = cloze_features(ablated, encoder=encoder, questions=COUNTRY_QUESTIONS)
    column = COUNTRY_QUESTIONS[0].answers.index(proposal.answer)
    return words[candidates[int(np.argmin(rows[:, column]))]]


def culture_phrases(config: Any, *, changed: Sequence[str]) -> list[str]:
    """How the changed fields' final values are said (:func:`moodc.gen.explain.say_value`)."""
    from moodc.config.paths import get_path
    from moodc.gen.explain import say_value

    said = (say_value(key=path, value=get_path(config, path)) for path in changed)
    return [phrase for phrase in said if phrase]


def culture_justification(proposal: CultureProposal, *, config: Any, changed: Sequence[str],
                          text: str | None) -> str:
    """``text`` led by what the model's culture changed: with the prompt word it rests on, a
    first cue (``rajasthan (India, the model's reading) → sitar lead, tanpura pad``) in the
    form ``--explain`` reads back; without, a sentence before the text."""
    from moodc import vocab
    from moodc.gen.explain import with_first_cue

    phrases = culture_phrases(config, changed=changed)
    reading = f"{proposal.answer}, the model's reading"
    if proposal.word:
        return with_first_cue(text, word=proposal.word, reading=reading, phrases=phrases)
    sentence = f"{proposal.answer} (the model's reading): {', '.join(phrases)}."
    return " ".join(filter(None, [sentence, text]))[:vocab.MAX_JUSTIFICATION_CHARS]
