//! Trust decisions: which certificates are anchors and which are only
//! candidates ([`store`]), how a signer's path to an anchor is found
//! ([`path`]), and what each certificate on it must satisfy ([`policy`],
//! [`name_constraints`]).

pub(crate) mod cache;
pub(crate) mod name_constraints;
pub(crate) mod path;
pub(crate) mod policy;
pub(crate) mod rfc3779;
pub(crate) mod store;
