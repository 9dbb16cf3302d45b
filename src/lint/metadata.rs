//! `metadata.*`: IdP metadata (one EntityDescriptor) and federation aggregates
//! (EntitiesDescriptor), read through the SAML view of the positioned tree.

use super::certs::{self, CertSite};
use crate::findings::{FileId, Finding};
use crate::rules::{metadata as rule, Rule};
use crate::saml::view::{self, EntityDescriptor, SamlMessage};
use crate::source::Span;
use crate::x509::Certificate;
use crate::xml::Document;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// What a metadata lint needs besides the document.
pub struct MetadataLint<'a> {
    pub doc: &'a Document,
    pub file: FileId,
    pub now: DateTime<Utc>,
    /// `metadata.cert-expiring` window.
    pub warn_within: Duration,
    pub wanted: &'a Wanted,
}

/// The configuration's own entities, looked up by entityID in an aggregate: the IdP
/// (`saml.idp.entity_id`) and the workspace itself (`saml.sp.entity_id`).
#[derive(Debug, Default, Clone)]
pub struct Wanted {
    pub idp: Option<String>,
    pub sp: Option<String>,
}

impl Wanted {
    /// Nothing is looked up (metadata linted without a configuration).
    pub const NONE: Wanted = Wanted {
        idp: None,
        sp: None,
    };
}

/// The metadata's IdP entity (for the configuration's cross-checks): the document's one
/// entity, or in an aggregate the first with the wanted IdP's entityID.
#[derive(Debug, Default)]
pub struct MetadataFacts {
    pub entity_id: Option<(String, crate::source::Span)>,
    /// Parsed signing certificates of the IdP role, in document order.
    pub signing_certs: Vec<Certificate>,
    /// The document is an aggregate (EntitiesDescriptor).
    pub aggregate: bool,
    /// In an aggregate, the first entity with the wanted SP's entityID and an SPSSODescriptor.
    pub sp: Option<SpEntity>,
}

/// The workspace's own entry in an aggregate: where the federation sends its assertions.
#[derive(Debug, Clone)]
pub struct SpEntity {
    pub entity_id: String,
    /// Its SPSSODescriptor's start tag.
    pub at: Span,
    /// Each AssertionConsumerService Location, with its value's span.
    pub acs: Vec<(String, Span)>,
}

/// A wanted entity found while linting one entity of an aggregate.
#[derive(Debug)]
pub enum Found {
    Idp {
        entity_id: (String, Span),
        signing_certs: Vec<Certificate>,
    },
    Sp(SpEntity),
}

impl MetadataFacts {
    /// Keep what an entity of the aggregate found, unless an earlier entity found it.
    fn absorb(&mut self, found: Vec<Found>) {
        for f in found {
            match f {
                Found::Idp {
                    entity_id,
                    signing_certs,
                } if self.entity_id.is_none() => {
                    self.entity_id = Some(entity_id);
                    self.signing_certs = signing_certs;
                }
                Found::Sp(sp) if self.sp.is_none() => self.sp = Some(sp),
                _ => {}
            }
        }
    }
}

/// Every rule `lint_metadata` evaluates.
pub fn rules() -> Vec<&'static Rule> {
    let mut v: Vec<&'static Rule> = vec![
        &rule::MALFORMED,
        &rule::NOT_IDP,
        &rule::NO_SIGNING_CERT,
        &rule::MULTIPLE_SIGNING_CERTS,
        &rule::NO_SSO_ENDPOINT,
        &rule::INSECURE_ENDPOINT,
        &rule::VALID_UNTIL_PASSED,
        &rule::DUPLICATE_ENTITY_ID,
    ];
    v.extend_from_slice(certs::RULES);
    v
}

impl MetadataLint<'_> {
    fn at(&self, r: &'static Rule, node: crate::xml::NodeId, msg: impl Into<String>) -> Finding {
        // The start tag: an element's whole span can be the rest of the document.
        let span = self
            .doc
            .element(node)
            .map_or_else(|| self.doc.span(node), |e| e.start_tag);
        Finding::new(r, msg)
            .at(self.file, span)
            .element(self.doc.path(node))
    }

    /// Lint the document. `single_idp`: it is meant to be one IdP's metadata (not an
    /// aggregate), so an entity without an IDPSSODescriptor is an error.
    pub fn run(&self, single_idp: bool) -> (Vec<Finding>, MetadataFacts) {
        let mut out = Vec::new();
        let mut facts = MetadataFacts::default();
        match view::read(self.doc) {
            SamlMessage::EntityDescriptor(e) => {
                if e.idp.is_none() && single_idp {
                    let what = if e.sp.is_some() {
                        "a service provider's metadata (SPSSODescriptor)"
                    } else {
                        "an EntityDescriptor without an IDPSSODescriptor"
                    };
                    out.push(
                        self.at(
                            &rule::NOT_IDP,
                            e.node,
                            format!("this is {what}, not an IdP's"),
                        )
                        .expected("an EntityDescriptor with an IDPSSODescriptor"),
                    );
                }
                facts.entity_id = e.entity_id.as_ref().map(|t| (t.value.clone(), t.span));
                facts.signing_certs = self.entity(&e, &mut out);
            }
            SamlMessage::EntitiesDescriptor(agg) => {
                facts.aggregate = true;
                out.extend(self.aggregate_root(&agg));
                let mut ids = EntityIds::default();
                for mut e in self.aggregate_entities(&agg) {
                    facts.absorb(std::mem::take(&mut e.found));
                    ids.merge(self.file, e, &mut out);
                }
            }
            other => {
                let root = self
                    .doc
                    .ids()
                    .find(|id| self.doc.element(*id).is_some())
                    .unwrap_or(crate::xml::NodeId(0));
                let kind = other.kind().unwrap_or("not SAML");
                out.push(
                    self.at(
                        &rule::MALFORMED,
                        root,
                        format!("the document is not SAML metadata ({kind}); expected an EntityDescriptor or EntitiesDescriptor"),
                    )
                    .found(kind),
                );
            }
        }
        (out, facts)
    }

    /// The aggregate's own findings (its validUntil).
    pub fn aggregate_root(&self, agg: &view::EntitiesDescriptor) -> Vec<Finding> {
        let mut out = Vec::new();
        if let Some(t) = &agg.valid_until {
            self.valid_until(t, agg.node, &mut out);
        }
        out
    }

    /// Each EntityDescriptor of the aggregate linted on its own, in document order.
    pub fn aggregate_entities(&self, agg: &view::EntitiesDescriptor) -> Vec<EntityResult> {
        agg.entities
            .iter()
            .map(|e| {
                let mut findings = Vec::new();
                let mut found = Vec::new();
                let entity_id = e.entity_id.as_ref();
                let is = |wanted: &Option<String>| {
                    wanted.is_some() && wanted.as_deref() == entity_id.map(|t| t.value.as_str())
                };
                if e.idp.is_some() {
                    let signing_certs = self.entity(e, &mut findings);
                    if let (true, Some(t)) = (is(&self.wanted.idp), entity_id) {
                        found.push(Found::Idp {
                            entity_id: (t.value.clone(), t.span),
                            signing_certs,
                        });
                    }
                }
                if let (true, Some(t), Some(sp)) = (is(&self.wanted.sp), entity_id, &e.sp) {
                    found.push(Found::Sp(SpEntity {
                        entity_id: t.value.clone(),
                        at: self
                            .doc
                            .element(sp.node)
                            .map_or_else(|| self.doc.span(sp.node), |el| el.start_tag),
                        acs: sp
                            .assertion_consumer_services
                            .iter()
                            .filter_map(|ep| ep.location.as_ref())
                            .map(|l| (l.value.clone(), l.span))
                            .collect(),
                    }));
                }
                EntityResult {
                    found,
                    entity_id: e.entity_id.as_ref().map(|t| t.value.clone()),
                    span: self.doc.span(e.node),
                    start_tag: self
                        .doc
                        .element(e.node)
                        .map_or_else(|| self.doc.span(e.node), |el| el.start_tag),
                    path: self.doc.path(e.node),
                    findings,
                }
            })
            .collect()
    }

    fn valid_until(&self, t: &view::Time, node: crate::xml::NodeId, out: &mut Vec<Finding>) {
        match t.value.time() {
            Some(when) if when < self.now => out.push(
                Finding::new(
                    &rule::VALID_UNTIL_PASSED,
                    format!(
                        "validUntil {} has passed ({}): relying parties must not use this metadata",
                        t.value.raw,
                        crate::clock::relative(when, self.now)
                    ),
                )
                .at(self.file, t.span)
                .element(self.doc.path(node))
                .found(t.value.raw.clone()),
            ),
            Some(_) => {}
            None => out.push(
                Finding::new(
                    &rule::MALFORMED,
                    format!("validUntil {:?} is not an xs:dateTime", t.value.raw),
                )
                .at(self.file, t.span)
                .element(self.doc.path(node)),
            ),
        }
    }

    /// One entity's IdP role: certificates, endpoints, validity. Returns its signing certs.
    fn entity(&self, e: &EntityDescriptor, out: &mut Vec<Finding>) -> Vec<Certificate> {
        if let Some(t) = &e.valid_until {
            self.valid_until(t, e.node, out);
        }
        let Some(idp) = &e.idp else {
            return Vec::new();
        };
        let name = e
            .entity_id
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_else(|| "(no entityID)".into());
        let mut certs = Vec::new();
        if idp.keys.signing_certs.is_empty() {
            out.push(self.at(
                &rule::NO_SIGNING_CERT,
                idp.node,
                format!("IdP {name:?} publishes no signing certificate: its responses cannot be verified"),
            ));
        }
        for text in &idp.keys.signing_certs {
            let element = self.doc.path(text.node);
            match Certificate::from_base64(&text.value) {
                Err(err) => out.push(
                    Finding::new(
                        &rule::MALFORMED,
                        format!("a signing certificate of {name:?} cannot be read: {err}"),
                    )
                    .at(self.file, text.span)
                    .element(element),
                ),
                Ok(c) => {
                    let site = CertSite {
                        file: self.file,
                        span: text.span,
                        element: &element,
                    };
                    out.extend(certs::check_certificate(
                        &c,
                        self.now,
                        self.warn_within,
                        &site,
                    ));
                    certs.push(c);
                }
            }
        }
        if certs.len() > 1 {
            let valid: Vec<String> = certs
                .iter()
                .map(|c| {
                    format!(
                        "{} (valid {} – {}{})",
                        c.info.subject,
                        c.info
                            .not_before
                            .map_or("?".into(), |t| t.date_naive().to_string()),
                        c.info
                            .not_after
                            .map_or("?".into(), |t| t.date_naive().to_string()),
                        if c.is_valid_at(self.now) {
                            ""
                        } else {
                            ", not valid now"
                        }
                    )
                })
                .collect();
            out.push(
                self.at(
                    &rule::MULTIPLE_SIGNING_CERTS,
                    idp.node,
                    format!(
                        "IdP {name:?} lists {} signing certificates (a rotation in progress): {}",
                        certs.len(),
                        valid.join("; ")
                    ),
                )
                .hint("give `ssolint lint --response FILE` a current response to see which one signs today's responses; configure both in the workspace until the rotation is done"),
            );
        }
        let front: Vec<_> = idp
            .single_sign_on_services
            .iter()
            .filter(|ep| {
                ep.binding
                    .as_ref()
                    .is_some_and(|b| b.value == POST || b.value == REDIRECT)
            })
            .collect();
        if front.is_empty() {
            out.push(
                self.at(
                    &rule::NO_SSO_ENDPOINT,
                    idp.node,
                    format!("IdP {name:?} has no SingleSignOnService for the HTTP-Redirect or HTTP-POST binding"),
                )
                .expected("a SingleSignOnService with Binding HTTP-Redirect or HTTP-POST"),
            );
        }
        for ep in idp
            .single_sign_on_services
            .iter()
            .chain(idp.single_logout_services.iter())
        {
            if let Some(loc) = &ep.location {
                let scheme = loc.value.get(..7);
                if scheme.is_some_and(|s| s.eq_ignore_ascii_case("http://")) {
                    out.push(
                        Finding::new(
                            &rule::INSECURE_ENDPOINT,
                            format!("endpoint {} of {name:?} uses http://", loc.value),
                        )
                        .at(self.file, loc.span)
                        .element(self.doc.path(ep.node))
                        .found(loc.value.clone())
                        .expected("an https:// Location"),
                    );
                }
            }
        }
        certs
    }
}

/// One EntityDescriptor of an aggregate linted on its own. Whether its entityID repeats an
/// earlier one is decided when the results are merged in document order ([`EntityIds`]), so
/// an aggregate can be linted a part at a time.
pub struct EntityResult {
    pub entity_id: Option<String>,
    /// The wanted entities it is.
    pub found: Vec<Found>,
    /// The whole element.
    pub span: Span,
    pub start_tag: Span,
    pub path: String,
    pub findings: Vec<Finding>,
}

/// The entityIDs seen so far in an aggregate, each with its first EntityDescriptor.
#[derive(Default)]
pub struct EntityIds {
    first: HashMap<String, Span>,
}

impl EntityIds {
    /// Add the next entity's findings to `out`, preceded by `metadata.duplicate-entity-id`
    /// when its entityID was seen before.
    pub fn merge(&mut self, file: FileId, e: EntityResult, out: &mut Vec<Finding>) {
        if let Some(id) = e.entity_id {
            if let Some(first) = self.first.get(id.as_str()) {
                out.push(
                    Finding::new(
                        &rule::DUPLICATE_ENTITY_ID,
                        format!("entityID {id:?} appears more than once in the aggregate"),
                    )
                    .at(file, e.start_tag)
                    .element(e.path)
                    .found(id.clone())
                    .label(
                        file,
                        *first,
                        "first EntityDescriptor with this entityID",
                    ),
                );
            } else {
                self.first.insert(id, e.span);
            }
        }
        out.extend(e.findings);
    }
}

/// An aggregate linted a block of entities at a time ([`crate::saml::aggregate`]): the head
/// first ([`AggregateLint::head`]), then each block's tree ([`AggregateLint::block`], on any
/// worker), the results merged in document order into [`AggregateFindings`]. Gives what
/// [`MetadataLint::run`] gives on the whole tree, and the vendor guess of the whole aggregate
/// (its first identifier with a vendor's shape).
pub struct AggregateLint {
    pub file: FileId,
    pub now: DateTime<Utc>,
    pub warn_within: Duration,
    pub wanted: Wanted,
    /// Whether the caller wants the vendor guess (reading every block's URLs for it is a
    /// few per cent of the work).
    pub guess_vendor: bool,
}

/// What the merged blocks found so far.
pub struct AggregateFindings {
    file: FileId,
    pub findings: Vec<Finding>,
    pub vendor: Option<crate::saml::vendor::Guess>,
    /// The wanted entities, as [`MetadataLint::run`] finds them on the whole tree.
    pub facts: MetadataFacts,
    ids: EntityIds,
}

/// One block's results.
pub struct BlockLint {
    entities: Vec<EntityResult>,
    vendor: Option<crate::saml::vendor::Guess>,
}

impl AggregateLint {
    fn on<'d>(&'d self, doc: &'d Document) -> MetadataLint<'d> {
        MetadataLint {
            doc,
            file: self.file,
            now: self.now,
            warn_within: self.warn_within,
            wanted: &self.wanted,
        }
    }

    /// Lint the head (an EntitiesDescriptor holding the root's first child); `None` when it
    /// is not one.
    pub fn head(&self, head: &Document) -> Option<AggregateFindings> {
        let message = view::read(head);
        let SamlMessage::EntitiesDescriptor(agg) = &message else {
            return None;
        };
        let ml = self.on(head);
        let mut merged = AggregateFindings {
            file: self.file,
            findings: ml.aggregate_root(agg),
            vendor: None,
            facts: MetadataFacts {
                aggregate: true,
                ..MetadataFacts::default()
            },
            ids: EntityIds::default(),
        };
        merged.merge(BlockLint {
            entities: ml.aggregate_entities(agg),
            vendor: self.vendor_of(&message),
        });
        Some(merged)
    }

    /// Lint one block's tree (the root holding a part of the aggregate's children).
    pub fn block(&self, doc: &Document) -> BlockLint {
        let message = view::read(doc);
        let SamlMessage::EntitiesDescriptor(agg) = &message else {
            return BlockLint {
                entities: Vec::new(),
                vendor: None,
            };
        };
        BlockLint {
            entities: self.on(doc).aggregate_entities(agg),
            vendor: self.vendor_of(&message),
        }
    }

    fn vendor_of(&self, message: &SamlMessage) -> Option<crate::saml::vendor::Guess> {
        self.guess_vendor
            .then(|| crate::saml::vendor::guess(message))
            .flatten()
    }
}

impl AggregateFindings {
    /// Add the next block's results.
    pub fn merge(&mut self, block: BlockLint) {
        if self.vendor.is_none() {
            self.vendor = block.vendor;
        }
        for mut e in block.entities {
            self.facts.absorb(std::mem::take(&mut e.found));
            self.ids.merge(self.file, e, &mut self.findings);
        }
    }
}
