//! saml
