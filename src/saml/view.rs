//! Typed views over the positioned tree: Response, Assertion, AuthnRequest, logout messages
//! and metadata. Every value is a [`Valued`] carrying its node and span, so checks point at the
//! exact bytes and the verified view can tell whether a value lies inside signed coverage.
//! Views only read; they never judge (a missing element is `None`, a bad time is a value with
//! a parse error).

use super::signature::direct_signature;
use super::{attr_valued, ns, text_valued, Valued};
use crate::xml::{Document, NodeId};
use chrono::{DateTime, NaiveDateTime, Utc};

/// An `xs:dateTime` as written, with its parsed instant or the reason it did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instant {
    pub raw: String,
    pub parsed: Result<DateTime<Utc>, String>,
}

impl Instant {
    pub fn parse(raw: &str) -> Instant {
        Instant {
            raw: raw.to_string(),
            parsed: parse_datetime(raw),
        }
    }

    pub fn time(&self) -> Option<DateTime<Utc>> {
        self.parsed.as_ref().ok().copied()
    }
}

/// Parse an `xs:dateTime`. SAML requires UTC with `Z`; an offset is accepted and converted,
/// and a value without any zone is read as UTC (SAML core §1.3.3 says times are UTC).
pub fn parse_datetime(raw: &str) -> Result<DateTime<Utc>, String> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|n| n.and_utc())
        .map_err(|e| format!("{raw:?} is not an xs:dateTime: {e}"))
}

pub type Text = Valued<String>;
pub type Time = Valued<Instant>;

fn time_attr(doc: &Document, node: NodeId, local: &str) -> Option<Time> {
    doc.attr(node, local)
        .map(|a| Valued::new(Instant::parse(&a.value), node, a.value_span))
}

fn child_text(doc: &Document, node: NodeId, ns: &str, local: &str) -> Option<Text> {
    doc.first_child_named(node, ns, local)
        .map(|c| text_valued(doc, c))
}

/// The text of every child with this name, in document order.
fn children_text(doc: &Document, node: NodeId, ns: &str, local: &str) -> Vec<Text> {
    doc.children_named(node, ns, local)
        .map(|c| text_valued(doc, c))
        .collect()
}

/// `saml:Issuer` (or any NameID-typed element): the value and its Format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub node: NodeId,
    pub value: Text,
    pub format: Option<Text>,
}

fn issuer(doc: &Document, parent: NodeId) -> Option<Issuer> {
    doc.first_child_named(parent, ns::SAML, "Issuer")
        .map(|n| Issuer {
            node: n,
            value: text_valued(doc, n),
            format: attr_valued(doc, n, "Format"),
        })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub node: NodeId,
    /// The top-level StatusCode value (`urn:oasis:names:tc:SAML:2.0:status:Success`).
    pub code: Option<Text>,
    /// The nested StatusCode value, which says why (`…:status:AuthnFailed`).
    pub second_code: Option<Text>,
    pub message: Option<Text>,
}

fn status(doc: &Document, parent: NodeId) -> Option<Status> {
    let node = doc.first_child_named(parent, ns::SAMLP, "Status")?;
    let top = doc.first_child_named(node, ns::SAMLP, "StatusCode");
    let second = top.and_then(|t| doc.first_child_named(t, ns::SAMLP, "StatusCode"));
    Some(Status {
        node,
        code: top.and_then(|t| attr_valued(doc, t, "Value")),
        second_code: second.and_then(|t| attr_valued(doc, t, "Value")),
        message: child_text(doc, node, ns::SAMLP, "StatusMessage"),
    })
}

#[derive(Debug, Clone)]
pub struct Response {
    pub node: NodeId,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub issue_instant: Option<Time>,
    pub destination: Option<Text>,
    pub in_response_to: Option<Text>,
    pub issuer: Option<Issuer>,
    pub status: Option<Status>,
    /// Every `saml:Assertion` inside the response, in document order, wherever it sits
    /// (wrapping attacks hide them in Extensions or inside a Signature); see
    /// [`Assertion::direct`].
    pub assertions: Vec<Assertion>,
    /// `saml:EncryptedAssertion` elements that are children of the response (opaque here).
    pub encrypted_assertions: Vec<NodeId>,
    /// The `ds:Signature` that is a direct child of the response.
    pub signature: Option<NodeId>,
}

#[derive(Debug, Clone)]
pub struct Assertion {
    pub node: NodeId,
    /// A child of the message root (the normal position), rather than nested deeper.
    pub direct: bool,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub issue_instant: Option<Time>,
    pub issuer: Option<Issuer>,
    pub signature: Option<NodeId>,
    pub subject: Option<Subject>,
    pub conditions: Option<Conditions>,
    pub authn_statements: Vec<AuthnStatement>,
    /// Attributes of every AttributeStatement, in document order.
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameId {
    pub node: NodeId,
    pub value: Text,
    pub format: Option<Text>,
    pub sp_name_qualifier: Option<Text>,
    pub name_qualifier: Option<Text>,
}

fn name_id(doc: &Document, parent: NodeId) -> Option<NameId> {
    doc.first_child_named(parent, ns::SAML, "NameID")
        .map(|n| NameId {
            node: n,
            value: text_valued(doc, n),
            format: attr_valued(doc, n, "Format"),
            sp_name_qualifier: attr_valued(doc, n, "SPNameQualifier"),
            name_qualifier: attr_valued(doc, n, "NameQualifier"),
        })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub node: NodeId,
    pub name_id: Option<NameId>,
    /// `saml:EncryptedID` in place of a NameID.
    pub encrypted_id: Option<NodeId>,
    pub confirmations: Vec<SubjectConfirmation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectConfirmation {
    pub node: NodeId,
    pub method: Option<Text>,
    pub data: Option<SubjectConfirmationData>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectConfirmationData {
    pub node: NodeId,
    pub recipient: Option<Text>,
    pub not_on_or_after: Option<Time>,
    pub not_before: Option<Time>,
    pub in_response_to: Option<Text>,
    pub address: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conditions {
    pub node: NodeId,
    pub not_before: Option<Time>,
    pub not_on_or_after: Option<Time>,
    /// One entry per AudienceRestriction (all must be satisfied; any audience within one).
    pub audience_restrictions: Vec<AudienceRestriction>,
    pub one_time_use: Option<NodeId>,
}

impl Conditions {
    /// Every audience of every restriction, in order.
    pub fn audiences(&self) -> impl Iterator<Item = &Text> {
        self.audience_restrictions
            .iter()
            .flat_map(|r| r.audiences.iter())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceRestriction {
    pub node: NodeId,
    pub audiences: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnStatement {
    pub node: NodeId,
    pub authn_instant: Option<Time>,
    pub session_not_on_or_after: Option<Time>,
    pub session_index: Option<Text>,
    pub authn_context_class_ref: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub node: NodeId,
    pub name: Option<Text>,
    pub name_format: Option<Text>,
    pub friendly_name: Option<Text>,
    /// Each AttributeValue's text, all text pieces concatenated.
    pub values: Vec<Text>,
}

impl Assertion {
    /// The attribute with this Name (exact), if any.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.value == name))
    }
}

fn read_assertion(doc: &Document, node: NodeId, top: NodeId) -> Assertion {
    let subject = doc
        .first_child_named(node, ns::SAML, "Subject")
        .map(|s| Subject {
            node: s,
            name_id: name_id(doc, s),
            encrypted_id: doc.first_child_named(s, ns::SAML, "EncryptedID"),
            confirmations: doc
                .children_named(s, ns::SAML, "SubjectConfirmation")
                .map(|c| SubjectConfirmation {
                    node: c,
                    method: attr_valued(doc, c, "Method"),
                    data: doc
                        .first_child_named(c, ns::SAML, "SubjectConfirmationData")
                        .map(|d| SubjectConfirmationData {
                            node: d,
                            recipient: attr_valued(doc, d, "Recipient"),
                            not_on_or_after: time_attr(doc, d, "NotOnOrAfter"),
                            not_before: time_attr(doc, d, "NotBefore"),
                            in_response_to: attr_valued(doc, d, "InResponseTo"),
                            address: attr_valued(doc, d, "Address"),
                        }),
                })
                .collect(),
        });
    let conditions = doc
        .first_child_named(node, ns::SAML, "Conditions")
        .map(|c| Conditions {
            node: c,
            not_before: time_attr(doc, c, "NotBefore"),
            not_on_or_after: time_attr(doc, c, "NotOnOrAfter"),
            audience_restrictions: doc
                .children_named(c, ns::SAML, "AudienceRestriction")
                .map(|r| AudienceRestriction {
                    node: r,
                    audiences: children_text(doc, r, ns::SAML, "Audience"),
                })
                .collect(),
            one_time_use: doc.first_child_named(c, ns::SAML, "OneTimeUse"),
        });
    let authn_statements = doc
        .children_named(node, ns::SAML, "AuthnStatement")
        .map(|s| AuthnStatement {
            node: s,
            authn_instant: time_attr(doc, s, "AuthnInstant"),
            session_not_on_or_after: time_attr(doc, s, "SessionNotOnOrAfter"),
            session_index: attr_valued(doc, s, "SessionIndex"),
            authn_context_class_ref: doc
                .first_child_named(s, ns::SAML, "AuthnContext")
                .and_then(|c| child_text(doc, c, ns::SAML, "AuthnContextClassRef")),
        })
        .collect();
    let attributes = doc
        .children_named(node, ns::SAML, "AttributeStatement")
        .flat_map(|st| doc.children_named(st, ns::SAML, "Attribute"))
        .map(|a| Attribute {
            node: a,
            name: attr_valued(doc, a, "Name"),
            name_format: attr_valued(doc, a, "NameFormat"),
            friendly_name: attr_valued(doc, a, "FriendlyName"),
            values: children_text(doc, a, ns::SAML, "AttributeValue"),
        })
        .collect();
    Assertion {
        node,
        direct: doc.parent(node) == Some(top) || node == top,
        id: attr_valued(doc, node, "ID"),
        version: attr_valued(doc, node, "Version"),
        issue_instant: time_attr(doc, node, "IssueInstant"),
        issuer: issuer(doc, node),
        signature: direct_signature(doc, node),
        subject,
        conditions,
        authn_statements,
        attributes,
    }
}

fn read_response(doc: &Document, node: NodeId) -> Response {
    Response {
        node,
        id: attr_valued(doc, node, "ID"),
        version: attr_valued(doc, node, "Version"),
        issue_instant: time_attr(doc, node, "IssueInstant"),
        destination: attr_valued(doc, node, "Destination"),
        in_response_to: attr_valued(doc, node, "InResponseTo"),
        issuer: issuer(doc, node),
        status: status(doc, node),
        assertions: doc
            .descendants_named(node, ns::SAML, "Assertion")
            .map(|a| read_assertion(doc, a, node))
            .collect(),
        encrypted_assertions: doc
            .children_named(node, ns::SAML, "EncryptedAssertion")
            .collect(),
        signature: direct_signature(doc, node),
    }
}

#[derive(Debug, Clone)]
pub struct RequestedAuthnContext {
    pub node: NodeId,
    pub comparison: Option<Text>,
    pub class_refs: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct AuthnRequest {
    pub node: NodeId,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub issue_instant: Option<Time>,
    pub destination: Option<Text>,
    pub assertion_consumer_service_url: Option<Text>,
    pub protocol_binding: Option<Text>,
    pub issuer: Option<Issuer>,
    pub name_id_policy_format: Option<Text>,
    pub name_id_policy_allow_create: Option<Text>,
    pub force_authn: Option<Text>,
    pub is_passive: Option<Text>,
    pub requested_authn_context: Option<RequestedAuthnContext>,
    pub signature: Option<NodeId>,
}

fn read_authn_request(doc: &Document, node: NodeId) -> AuthnRequest {
    let policy = doc.first_child_named(node, ns::SAMLP, "NameIDPolicy");
    AuthnRequest {
        node,
        id: attr_valued(doc, node, "ID"),
        version: attr_valued(doc, node, "Version"),
        issue_instant: time_attr(doc, node, "IssueInstant"),
        destination: attr_valued(doc, node, "Destination"),
        assertion_consumer_service_url: attr_valued(doc, node, "AssertionConsumerServiceURL"),
        protocol_binding: attr_valued(doc, node, "ProtocolBinding"),
        issuer: issuer(doc, node),
        name_id_policy_format: policy.and_then(|p| attr_valued(doc, p, "Format")),
        name_id_policy_allow_create: policy.and_then(|p| attr_valued(doc, p, "AllowCreate")),
        force_authn: attr_valued(doc, node, "ForceAuthn"),
        is_passive: attr_valued(doc, node, "IsPassive"),
        requested_authn_context: doc
            .first_child_named(node, ns::SAMLP, "RequestedAuthnContext")
            .map(|r| RequestedAuthnContext {
                node: r,
                comparison: attr_valued(doc, r, "Comparison"),
                class_refs: children_text(doc, r, ns::SAML, "AuthnContextClassRef"),
            }),
        signature: direct_signature(doc, node),
    }
}

#[derive(Debug, Clone)]
pub struct LogoutRequest {
    pub node: NodeId,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub issue_instant: Option<Time>,
    pub destination: Option<Text>,
    pub not_on_or_after: Option<Time>,
    pub reason: Option<Text>,
    pub issuer: Option<Issuer>,
    pub name_id: Option<NameId>,
    pub session_indexes: Vec<Text>,
    pub signature: Option<NodeId>,
}

#[derive(Debug, Clone)]
pub struct LogoutResponse {
    pub node: NodeId,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub issue_instant: Option<Time>,
    pub destination: Option<Text>,
    pub in_response_to: Option<Text>,
    pub issuer: Option<Issuer>,
    pub status: Option<Status>,
    pub signature: Option<NodeId>,
}

/// A metadata endpoint (`SingleSignOnService`, `AssertionConsumerService`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub node: NodeId,
    pub binding: Option<Text>,
    pub location: Option<Text>,
    pub response_location: Option<Text>,
    pub index: Option<Text>,
    pub is_default: Option<Text>,
}

fn endpoints(doc: &Document, parent: NodeId, local: &str) -> Vec<Endpoint> {
    doc.children_named(parent, ns::MD, local)
        .map(|e| Endpoint {
            node: e,
            binding: attr_valued(doc, e, "Binding"),
            location: attr_valued(doc, e, "Location"),
            response_location: attr_valued(doc, e, "ResponseLocation"),
            index: attr_valued(doc, e, "index"),
            is_default: attr_valued(doc, e, "isDefault"),
        })
        .collect()
}

/// Keys of a role descriptor, from its KeyDescriptors. A KeyDescriptor without `use` serves
/// both purposes (metadata §2.4.1.1), so its certificates appear in both lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleKeys {
    /// Base64 DER of each `ds:X509Certificate`, white space removed.
    pub signing_certs: Vec<Text>,
    pub encryption_certs: Vec<Text>,
}

fn role_keys(doc: &Document, role: NodeId) -> RoleKeys {
    let mut keys = RoleKeys::default();
    for kd in doc.children_named(role, ns::MD, "KeyDescriptor") {
        let usage = doc.attr_value(kd, "use").map(str::trim);
        let certs: Vec<Text> = doc
            .descendants_named(kd, ns::DS, "X509Certificate")
            .map(|c| {
                let mut v = text_valued(doc, c);
                if let std::borrow::Cow::Owned(compact) =
                    crate::text::without_ascii_whitespace(&v.value)
                {
                    v.value = compact;
                }
                v
            })
            .collect();
        if matches!(usage, None | Some("signing")) {
            keys.signing_certs.extend(certs.iter().cloned());
        }
        if matches!(usage, None | Some("encryption")) {
            keys.encryption_certs.extend(certs);
        }
    }
    keys
}

#[derive(Debug, Clone)]
pub struct IdpSsoDescriptor {
    pub node: NodeId,
    pub protocol_support: Option<Text>,
    pub want_authn_requests_signed: Option<Text>,
    pub keys: RoleKeys,
    pub single_sign_on_services: Vec<Endpoint>,
    pub single_logout_services: Vec<Endpoint>,
    pub name_id_formats: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct SpSsoDescriptor {
    pub node: NodeId,
    pub protocol_support: Option<Text>,
    pub authn_requests_signed: Option<Text>,
    pub want_assertions_signed: Option<Text>,
    pub keys: RoleKeys,
    pub assertion_consumer_services: Vec<Endpoint>,
    pub single_logout_services: Vec<Endpoint>,
    pub name_id_formats: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct EntityDescriptor {
    pub node: NodeId,
    pub entity_id: Option<Text>,
    pub valid_until: Option<Time>,
    /// An `xs:duration` as written (`PT5H`).
    pub cache_duration: Option<Text>,
    /// The first IDPSSODescriptor, if any.
    pub idp: Option<IdpSsoDescriptor>,
    /// The first SPSSODescriptor, if any.
    pub sp: Option<SpSsoDescriptor>,
    pub signature: Option<NodeId>,
}

#[derive(Debug, Clone)]
pub struct EntitiesDescriptor {
    pub node: NodeId,
    pub name: Option<Text>,
    pub valid_until: Option<Time>,
    pub cache_duration: Option<Text>,
    pub signature: Option<NodeId>,
    /// Every EntityDescriptor, nested EntitiesDescriptors flattened, in document order.
    pub entities: Vec<EntityDescriptor>,
}

fn read_entity(doc: &Document, node: NodeId) -> EntityDescriptor {
    let idp = doc
        .first_child_named(node, ns::MD, "IDPSSODescriptor")
        .map(|r| IdpSsoDescriptor {
            node: r,
            protocol_support: attr_valued(doc, r, "protocolSupportEnumeration"),
            want_authn_requests_signed: attr_valued(doc, r, "WantAuthnRequestsSigned"),
            keys: role_keys(doc, r),
            single_sign_on_services: endpoints(doc, r, "SingleSignOnService"),
            single_logout_services: endpoints(doc, r, "SingleLogoutService"),
            name_id_formats: children_text(doc, r, ns::MD, "NameIDFormat"),
        });
    let sp = doc
        .first_child_named(node, ns::MD, "SPSSODescriptor")
        .map(|r| SpSsoDescriptor {
            node: r,
            protocol_support: attr_valued(doc, r, "protocolSupportEnumeration"),
            authn_requests_signed: attr_valued(doc, r, "AuthnRequestsSigned"),
            want_assertions_signed: attr_valued(doc, r, "WantAssertionsSigned"),
            keys: role_keys(doc, r),
            assertion_consumer_services: endpoints(doc, r, "AssertionConsumerService"),
            single_logout_services: endpoints(doc, r, "SingleLogoutService"),
            name_id_formats: children_text(doc, r, ns::MD, "NameIDFormat"),
        });
    EntityDescriptor {
        node,
        entity_id: attr_valued(doc, node, "entityID"),
        valid_until: time_attr(doc, node, "validUntil"),
        cache_duration: attr_valued(doc, node, "cacheDuration"),
        idp,
        sp,
        signature: direct_signature(doc, node),
    }
}

fn read_entities(doc: &Document, node: NodeId) -> EntitiesDescriptor {
    EntitiesDescriptor {
        node,
        name: attr_valued(doc, node, "Name"),
        valid_until: time_attr(doc, node, "validUntil"),
        cache_duration: attr_valued(doc, node, "cacheDuration"),
        signature: direct_signature(doc, node),
        entities: doc
            .descendants_named(node, ns::MD, "EntityDescriptor")
            .map(|e| read_entity(doc, e))
            .collect(),
    }
}

/// The message a document holds, by its root element.
#[derive(Debug, Clone)]
pub enum SamlMessage {
    Response(Response),
    Assertion(Assertion),
    AuthnRequest(AuthnRequest),
    LogoutRequest(LogoutRequest),
    LogoutResponse(LogoutResponse),
    EntityDescriptor(EntityDescriptor),
    EntitiesDescriptor(EntitiesDescriptor),
    /// Some other root element: its namespace and local name.
    Other {
        node: NodeId,
        ns: Option<String>,
        local: String,
    },
}

impl SamlMessage {
    /// PRODUCT.md's `input.kind` for this message; None for a non-SAML root.
    pub fn kind(&self) -> Option<&'static str> {
        Some(match self {
            SamlMessage::Response(_) => "saml-response",
            SamlMessage::Assertion(_) => "saml-assertion",
            SamlMessage::AuthnRequest(_) => "saml-authn-request",
            SamlMessage::LogoutRequest(_) => "saml-logout-request",
            SamlMessage::LogoutResponse(_) => "saml-logout-response",
            SamlMessage::EntityDescriptor(_) | SamlMessage::EntitiesDescriptor(_) => {
                "saml-metadata"
            }
            SamlMessage::Other { .. } => return None,
        })
    }

    /// The issuer of a protocol message or assertion.
    pub fn issuer(&self) -> Option<&Issuer> {
        match self {
            SamlMessage::Response(r) => r.issuer.as_ref(),
            SamlMessage::Assertion(a) => a.issuer.as_ref(),
            SamlMessage::AuthnRequest(r) => r.issuer.as_ref(),
            SamlMessage::LogoutRequest(r) => r.issuer.as_ref(),
            SamlMessage::LogoutResponse(r) => r.issuer.as_ref(),
            _ => None,
        }
    }

    /// The message's own IssueInstant, for `--now issue-instant`.
    pub fn issue_instant(&self) -> Option<DateTime<Utc>> {
        let t = match self {
            SamlMessage::Response(r) => r.issue_instant.as_ref(),
            SamlMessage::Assertion(a) => a.issue_instant.as_ref(),
            SamlMessage::AuthnRequest(r) => r.issue_instant.as_ref(),
            SamlMessage::LogoutRequest(r) => r.issue_instant.as_ref(),
            SamlMessage::LogoutResponse(r) => r.issue_instant.as_ref(),
            _ => None,
        };
        t.and_then(|t| t.value.time())
    }
}

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

/// The element that holds the message: the root, or, for the SOAP artifact binding, the
/// message inside `Envelope/Body` (and inside an `ArtifactResponse`, the message it carries).
pub fn message_element(doc: &Document) -> NodeId {
    let root = doc.root;
    let is_envelope =
        doc.is_named(root, SOAP11, "Envelope") || doc.is_named(root, SOAP12, "Envelope");
    if !is_envelope {
        return root;
    }
    let body = doc
        .first_child_named(root, SOAP11, "Body")
        .or_else(|| doc.first_child_named(root, SOAP12, "Body"));
    let Some(inner) = body.and_then(|b| doc.child_elements(b).next()) else {
        return root;
    };
    if !doc.is_named(inner, ns::SAMLP, "ArtifactResponse") {
        return inner;
    }
    doc.child_elements(inner)
        .find(|c| {
            doc.element(*c).is_some_and(|e| {
                !matches!(
                    e.name.local.as_str(),
                    "Issuer" | "Signature" | "Extensions" | "Status"
                )
            })
        })
        .unwrap_or(inner)
}

/// The kind of message the document holds, if it is a SAML one (cheap: no view is built).
pub fn root_kind(doc: &Document) -> Option<&'static str> {
    let e = doc.element(message_element(doc))?;
    let name = &e.name;
    Some(match (name.ns.as_deref(), name.local.as_str()) {
        (Some(ns::SAMLP), "Response") => "saml-response",
        (Some(ns::SAML), "Assertion") => "saml-assertion",
        (Some(ns::SAMLP), "AuthnRequest") => "saml-authn-request",
        (Some(ns::SAMLP), "LogoutRequest") => "saml-logout-request",
        (Some(ns::SAMLP), "LogoutResponse") => "saml-logout-response",
        (Some(ns::MD), "EntityDescriptor" | "EntitiesDescriptor") => "saml-metadata",
        _ => return None,
    })
}

/// Read the message a document holds (see [`message_element`]).
pub fn read(doc: &Document) -> SamlMessage {
    let root = message_element(doc);
    let Some(e) = doc.element(root) else {
        return SamlMessage::Other {
            node: root,
            ns: None,
            local: String::new(),
        };
    };
    match (e.name.ns.as_deref(), e.name.local.as_str()) {
        (Some(ns::SAMLP), "Response") => SamlMessage::Response(read_response(doc, root)),
        (Some(ns::SAML), "Assertion") => SamlMessage::Assertion(read_assertion(doc, root, root)),
        (Some(ns::SAMLP), "AuthnRequest") => {
            SamlMessage::AuthnRequest(read_authn_request(doc, root))
        }
        (Some(ns::SAMLP), "LogoutRequest") => SamlMessage::LogoutRequest(LogoutRequest {
            node: root,
            id: attr_valued(doc, root, "ID"),
            version: attr_valued(doc, root, "Version"),
            issue_instant: time_attr(doc, root, "IssueInstant"),
            destination: attr_valued(doc, root, "Destination"),
            not_on_or_after: time_attr(doc, root, "NotOnOrAfter"),
            reason: attr_valued(doc, root, "Reason"),
            issuer: issuer(doc, root),
            name_id: name_id(doc, root),
            session_indexes: children_text(doc, root, ns::SAMLP, "SessionIndex"),
            signature: direct_signature(doc, root),
        }),
        (Some(ns::SAMLP), "LogoutResponse") => SamlMessage::LogoutResponse(LogoutResponse {
            node: root,
            id: attr_valued(doc, root, "ID"),
            version: attr_valued(doc, root, "Version"),
            issue_instant: time_attr(doc, root, "IssueInstant"),
            destination: attr_valued(doc, root, "Destination"),
            in_response_to: attr_valued(doc, root, "InResponseTo"),
            issuer: issuer(doc, root),
            status: status(doc, root),
            signature: direct_signature(doc, root),
        }),
        (Some(ns::MD), "EntityDescriptor") => SamlMessage::EntityDescriptor(read_entity(doc, root)),
        (Some(ns::MD), "EntitiesDescriptor") => {
            SamlMessage::EntitiesDescriptor(read_entities(doc, root))
        }
        (ns, local) => SamlMessage::Other {
            node: root,
            ns: ns.map(str::to_string),
            local: local.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="r1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z" Destination="https://sp.example.test/saml/acs" InResponseTo="req1">
  <saml:Issuer>http://www.okta.com/exk1</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode><samlp:StatusMessage>no</samlp:StatusMessage></samlp:Status>
  <saml:Assertion ID="a1" Version="2.0" IssueInstant="not a time">
    <saml:Issuer>http://www.okta.com/exk1</saml:Issuer>
    <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com<!---->.evil</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="https://sp.example.test/saml/acs" NotOnOrAfter="2026-03-01T10:05:00Z" InResponseTo="req1"/></saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="2026-03-01T09:55:00Z" NotOnOrAfter="2026-03-01T10:05:00Z">
      <saml:AudienceRestriction><saml:Audience>a</saml:Audience><saml:Audience>b</saml:Audience></saml:AudienceRestriction>
      <saml:AudienceRestriction><saml:Audience>c</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="2026-03-01T10:00:00Z" SessionIndex="s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
    <saml:AttributeStatement><saml:Attribute Name="groups"><saml:AttributeValue>g1</saml:AttributeValue><saml:AttributeValue>g<!-- x -->2</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"#;

    #[test]
    fn reads_a_response() {
        let doc = Document::parse(RESPONSE).unwrap();
        let SamlMessage::Response(r) = read(&doc) else {
            panic!("not a response")
        };
        assert_eq!(r.id.as_ref().unwrap().value, "r1");
        assert_eq!(
            r.issuer.as_ref().unwrap().value.value,
            "http://www.okta.com/exk1"
        );
        let st = r.status.unwrap();
        assert!(st.code.unwrap().value.ends_with("Responder"));
        assert!(st.second_code.unwrap().value.ends_with("AuthnFailed"));
        assert_eq!(st.message.unwrap().value, "no");
        let a = &r.assertions[0];
        assert!(a.direct);
        assert!(a.issue_instant.as_ref().unwrap().value.parsed.is_err());
        let nid = a.subject.as_ref().unwrap().name_id.as_ref().unwrap();
        assert_eq!(nid.value.value, "alice@example.com.evil");
        assert_eq!(
            &RESPONSE[nid.value.span.start..nid.value.span.end],
            "alice@example.com<!---->.evil"
        );
        let c = a.conditions.as_ref().unwrap();
        assert_eq!(c.audience_restrictions.len(), 2);
        assert_eq!(
            c.audiences().map(|a| a.value.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let data = a.subject.as_ref().unwrap().confirmations[0]
            .data
            .as_ref()
            .unwrap();
        assert_eq!(
            data.not_on_or_after.as_ref().unwrap().value.time().unwrap(),
            parse_datetime("2026-03-01T10:05:00Z").unwrap()
        );
        let g = a.attribute("groups").unwrap();
        assert_eq!(
            g.values.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
            ["g1", "g2"]
        );
        assert_eq!(
            a.authn_statements[0].session_index.as_ref().unwrap().value,
            "s1"
        );
    }

    #[test]
    fn reads_metadata_keys_by_use() {
        let xml = r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Name="fed"><md:EntitiesDescriptor><md:EntityDescriptor entityID="e1"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>AA
BB</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>CC</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>DD</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp/sso"/>
</md:IDPSSODescriptor></md:EntityDescriptor></md:EntitiesDescriptor><md:EntityDescriptor entityID="e2"/></md:EntitiesDescriptor>"#;
        let doc = Document::parse(xml).unwrap();
        let SamlMessage::EntitiesDescriptor(es) = read(&doc) else {
            panic!("not metadata")
        };
        assert_eq!(es.entities.len(), 2);
        assert_eq!(es.entities[1].entity_id.as_ref().unwrap().value, "e2");
        let idp = es.entities[0].idp.as_ref().unwrap();
        let s: Vec<_> = idp.keys.signing_certs.iter().map(|c| c.as_str()).collect();
        let e: Vec<_> = idp
            .keys
            .encryption_certs
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(s, ["AABB", "DD"]);
        assert_eq!(e, ["CC", "DD"]);
        assert_eq!(
            idp.single_sign_on_services[0]
                .location
                .as_ref()
                .unwrap()
                .value,
            "https://idp/sso"
        );
    }

    #[test]
    fn unwraps_the_soap_artifact_binding() {
        let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><samlp:ArtifactResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="ar"><samlp:Status/><samlp:Response ID="r"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a"/></samlp:Response></samlp:ArtifactResponse></s:Body></s:Envelope>"#;
        let doc = Document::parse(xml).unwrap();
        assert_eq!(root_kind(&doc), Some("saml-response"));
        let SamlMessage::Response(r) = read(&doc) else {
            panic!("not a response")
        };
        assert_eq!(r.id.unwrap().value, "r");
        assert!(r.assertions[0].direct);
    }

    #[test]
    fn times_parse_or_carry_the_error() {
        assert!(parse_datetime("2026-03-01T10:00:00.123Z").is_ok());
        assert!(parse_datetime("2026-03-01T10:00:00").is_ok());
        assert!(parse_datetime("2026-03-01T11:00:00+01:00").is_ok());
        assert!(parse_datetime("yesterday").is_err());
    }
}
