//! Word classes: the function words and small vocabularies the rules test for.
//!
//! The words live in `seeds/lexicon/words.tsv` (one `word<TAB>class` pair a line); this module
//! names the classes. A few classes are derived from the other data files rather than listed
//! in `words.tsv` (verb cue forms, first words of cues, hedges, first words of boilerplate
//! phrases). Every token's classes are looked up once, when the document is built, so a rule
//! asks "is this token a determiner" with one bit test.

/// One class of words. The discriminant is the bit in [`Classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum W {
    // Listed in words.tsv.
    NpBoundary,
    SentenceAdverb,
    Catenative,
    ClauseBreak,
    CommonVerb,
    Determiner,
    Preposition,
    SubjectPronoun,
    Day,
    CuePrefix,
    SourceCueFiller,
    AddresseeVerb,
    ObjectPronoun,
    SurveyedGroup,
    LoneQuantifier,
    NumberWord,
    NamingParticiple,
    CueNounModifier,
    CueNounHead,
    LeadIn,
    Title,
    OrgHead,
    PersonHead,
    CommonDescriptor,
    Auxiliary,
    HeadlineLabel,
    HeadlineSource,
    NameParticle,
    FemaleName,
    MaleName,
    ContentEvent,
    ParticipleLead,
    FramingNoun,
    GerundCatenative,
    FramingOpinion,
    Subordinator,
    NpToHead,
    HeadlineState,
    PassivePredicate,
    HeadlineVerb,
    InvertedCue,
    // Derived from the other files.
    /// A one-word verb cue form ("said", "warns"), from cues.tsv.
    VerbForm,
    /// The first word of some cue form, from cues.tsv.
    CueHead,
    /// A hedge word, from hedges.tsv.
    Hedge,
    /// The first word of a boilerplate phrase that may stand anywhere, from boilerplate.tsv.
    BoilerHead,
}

impl W {
    /// The classes `words.tsv` lists, with their names there.
    pub const LISTED: [(W, &'static str); 41] = [
        (W::NpBoundary, "np_boundary"),
        (W::SentenceAdverb, "sentence_adverb"),
        (W::Catenative, "catenative"),
        (W::ClauseBreak, "clause_break"),
        (W::CommonVerb, "common_verb"),
        (W::Determiner, "determiner"),
        (W::Preposition, "preposition"),
        (W::SubjectPronoun, "subject_pronoun"),
        (W::Day, "day"),
        (W::CuePrefix, "cue_prefix"),
        (W::SourceCueFiller, "source_cue_filler"),
        (W::AddresseeVerb, "addressee_verb"),
        (W::ObjectPronoun, "object_pronoun"),
        (W::SurveyedGroup, "surveyed_group"),
        (W::LoneQuantifier, "lone_quantifier"),
        (W::NumberWord, "number_word"),
        (W::NamingParticiple, "naming_participle"),
        (W::CueNounModifier, "cue_noun_modifier"),
        (W::CueNounHead, "cue_noun_head"),
        (W::LeadIn, "lead_in"),
        (W::Title, "title"),
        (W::OrgHead, "org_head"),
        (W::PersonHead, "person_head"),
        (W::CommonDescriptor, "common_descriptor"),
        (W::Auxiliary, "auxiliary"),
        (W::HeadlineLabel, "headline_label"),
        (W::HeadlineSource, "headline_source"),
        (W::NameParticle, "name_particle"),
        (W::FemaleName, "female_name"),
        (W::MaleName, "male_name"),
        (W::ContentEvent, "content_event"),
        (W::ParticipleLead, "participle_lead"),
        (W::FramingNoun, "framing_noun"),
        (W::GerundCatenative, "gerund_catenative"),
        (W::FramingOpinion, "framing_opinion"),
        (W::Subordinator, "subordinator"),
        (W::NpToHead, "np_to_head"),
        (W::HeadlineState, "headline_state"),
        (W::PassivePredicate, "passive_predicate"),
        (W::HeadlineVerb, "headline_verb"),
        (W::InvertedCue, "inverted_cue"),
    ];

    /// The listed class called `name` in `words.tsv`.
    pub fn from_name(name: &str) -> Option<W> {
        W::LISTED.iter().find(|(_, n)| *n == name).map(|(w, _)| *w)
    }

    const fn bit(self) -> u64 {
        1 << (self as u64)
    }
}

/// A set of word classes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Classes(u64);

impl Classes {
    pub fn has(self, w: W) -> bool {
        self.0 & w.bit() != 0
    }

    pub fn add(&mut self, w: W) {
        self.0 |= w.bit();
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn listed_names_are_distinct_and_round_trip() {
        for (i, (w, name)) in W::LISTED.iter().enumerate() {
            assert_eq!(W::from_name(name), Some(*w), "{name}");
            assert!(
                W::LISTED[i + 1..].iter().all(|(v, n)| v != w && n != name),
                "{name} listed twice"
            );
        }
        assert_eq!(
            W::from_name("verb_form"),
            None,
            "derived classes are not listed"
        );
        assert_eq!(W::from_name("Determiner"), None, "names are lower case");
    }

    #[test]
    fn classes_are_independent_bits() {
        let all = [
            W::NpBoundary,
            W::CommonDescriptor,
            W::VerbForm,
            W::CueHead,
            W::Hedge,
            W::BoilerHead,
        ];
        for a in all {
            let mut c = Classes::default();
            assert!(!c.has(a));
            c.add(a);
            for b in all {
                assert_eq!(c.has(b), a == b, "{a:?} then {b:?}");
            }
        }
        // Every class fits in the 32 bits.
        assert!((W::BoilerHead as u32) < 64);
    }
}
