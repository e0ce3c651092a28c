//! Optional end-to-end encryption of every file in the folder with a
//! workspace passphrase: XChaCha20-Poly1305 with a key derived by Argon2id
//! from the passphrase and the workspace salt (kept in the plain
//! `crypt-<salt>.dfk` file), each ciphertext bound to its file name as
//! associated data. Nonces are derived from the key, the name and the
//! content (a synthetic IV), so no random source is needed and a nonce never
//! repeats for different content.

use std::collections::BTreeMap;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Result};

/// Argon2id cost parameters, stored with the salt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    /// What a new workspace uses (about half a second on a laptop).
    pub const DEFAULT: KdfParams = KdfParams { m_kib: 64 * 1024, t: 3, p: 1 };
    /// Cheap parameters for tests and simulations only.
    pub const TEST: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };
}

/// A derived file key.
#[derive(Clone)]
pub struct FileKey {
    pub id: [u8; 8],
    key: [u8; 32],
    nonce_key: [u8; 32],
}

impl FileKey {
    pub fn derive(passphrase: &str, salt: &[u8], params: KdfParams) -> Result<FileKey> {
        let p = Params::new(params.m_kib, params.t, params.p, Some(64))
            .map_err(|e| ApiError::new("sync_bad_kdf", e.to_string()))?;
        let mut out = [0u8; 64];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
            .hash_password_into(passphrase.as_bytes(), salt, &mut out)
            .map_err(|e| ApiError::new("sync_bad_kdf", e.to_string()))?;
        let mut key = [0u8; 32];
        let mut nonce_key = [0u8; 32];
        key.copy_from_slice(&out[..32]);
        nonce_key.copy_from_slice(&out[32..]);
        Ok(FileKey { id: key_id(salt), key, nonce_key })
    }

    /// Encrypts `plain` for the file `name`: returns (nonce, ciphertext).
    pub fn seal(&self, name: &str, header: &[u8], plain: &[u8]) -> ([u8; 24], Vec<u8>) {
        let mut h = Sha256::new();
        h.update(self.nonce_key);
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update(plain);
        let digest = h.finalize();
        let mut nonce = [0u8; 24];
        nonce.copy_from_slice(&digest[..24]);
        let aad = aad(name, header);
        let ct = XChaCha20Poly1305::new(Key::from_slice(&self.key))
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: &aad })
            .expect("encryption of an in-memory buffer cannot fail");
        (nonce, ct)
    }

    /// Decrypts; `None` when the key, the name or the bytes do not match.
    pub fn open(&self, name: &str, header: &[u8], nonce: &[u8; 24], ct: &[u8]) -> Option<Vec<u8>> {
        let aad = aad(name, header);
        XChaCha20Poly1305::new(Key::from_slice(&self.key))
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .ok()
    }
}

fn aad(name: &str, header: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(name.len() + header.len() + 1);
    a.extend_from_slice(name.as_bytes());
    a.push(0);
    a.extend_from_slice(header);
    a
}

pub fn key_id(salt: &[u8]) -> [u8; 8] {
    let d = Sha256::digest(salt);
    let mut id = [0u8; 8];
    id.copy_from_slice(&d[..8]);
    id
}

/// The passphrase and the keys derived from it so far (derivation is slow on
/// purpose, so a long-lived caller keeps one `Keyring` across rounds).
#[derive(Clone, Default)]
pub struct Keyring {
    passphrase: Option<String>,
    keys: BTreeMap<[u8; 8], FileKey>,
}

impl Keyring {
    pub fn new(passphrase: Option<String>) -> Keyring {
        Keyring { passphrase: passphrase.filter(|p| !p.is_empty()), keys: BTreeMap::new() }
    }
    pub fn has_passphrase(&self) -> bool {
        self.passphrase.is_some()
    }
    /// The key of a workspace salt, derived on first use.
    pub fn key_for(&mut self, salt: &[u8], params: KdfParams) -> Result<Option<FileKey>> {
        let id = key_id(salt);
        if let Some(k) = self.keys.get(&id) {
            return Ok(Some(k.clone()));
        }
        let Some(p) = &self.passphrase else {
            return Ok(None);
        };
        let k = FileKey::derive(p, salt, params)?;
        self.keys.insert(id, k.clone());
        Ok(Some(k))
    }
    pub fn get(&self, id: &[u8; 8]) -> Option<&FileKey> {
        self.keys.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertext_is_bound_to_key_name_and_header() {
        let k = FileKey::derive("秘密の合言葉", b"0123456789abcdef", KdfParams::TEST).unwrap();
        let other = FileKey::derive("wrong", b"0123456789abcdef", KdfParams::TEST).unwrap();
        let (nonce, ct) = k.seal("d/a/c-1.dfk", b"h", b"hello");
        assert_eq!(k.open("d/a/c-1.dfk", b"h", &nonce, &ct).unwrap(), b"hello");
        assert!(k.open("d/a/c-2.dfk", b"h", &nonce, &ct).is_none());
        assert!(k.open("d/a/c-1.dfk", b"x", &nonce, &ct).is_none());
        assert!(other.open("d/a/c-1.dfk", b"h", &nonce, &ct).is_none());
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert!(k.open("d/a/c-1.dfk", b"h", &nonce, &bad).is_none());
        // Same name and content: same nonce (deterministic); other content: other nonce.
        assert_eq!(k.seal("d/a/c-1.dfk", b"h", b"hello").0, nonce);
        assert_ne!(k.seal("d/a/c-1.dfk", b"h", b"hellO").0, nonce);
    }
}
