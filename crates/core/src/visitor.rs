//! An anonymous visitor of the public portal who sends something (feedback on an act, a comment
//! on a draft decision): what is known of them, to limit how often they may send.

/// The visitor's device (their anonymous nonce, or their session) and network address, both
/// HMAC'd under the index key (`Keyring::blind_index`) before they are stored or compared.
pub struct Sender<'a> {
    pub device: &'a str,
    pub address: &'a str,
}
