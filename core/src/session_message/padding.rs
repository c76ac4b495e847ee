//! The padding of a one-to-one message's `Content` before it is sealed, as
//! libsession-util pads it (`session_protocol::pad_message`): the Content, one
//! `0x80` byte, then zero bytes up to the next multiple of [`PADDING_BLOCK`].
//! The `0x80` is always there, so a Content whose length plus one is already a
//! multiple gets a whole block of padding more.

/// Padded plaintexts are a multiple of this many bytes.
pub const PADDING_BLOCK: usize = 160;
/// The byte that ends the message and starts the padding.
pub const PADDING_MARK: u8 = 0x80;

/// `content ‖ 0x80 ‖ 0x00…`, a multiple of [`PADDING_BLOCK`] bytes and at least
/// one byte longer than `content`.
pub fn pad(content: &[u8]) -> Vec<u8> {
    let len = (content.len() / PADDING_BLOCK + 1) * PADDING_BLOCK;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(content);
    out.push(PADDING_MARK);
    out.resize(len, 0);
    out
}

/// The Content inside a padded plaintext, by libsession-util's reading rule
/// (`session_protocol::unpad_message`, what Session clients apply to every
/// one-to-one message they receive): from the end, drop zero bytes, then one
/// `0x80` if that is what comes next; stop at the first other byte.
///
/// Never fails: what older clients sent is accepted as they sent it (zeros
/// then `0x80`, to any length; an unpadded Content ending in a non-zero byte is
/// returned whole). A Content that itself ends in zero bytes and was sent
/// unpadded loses them, as it does in Session's clients.
pub fn unpad(padded: &[u8]) -> &[u8] {
    let mut end = padded.len();
    while let Some(&byte) = end.checked_sub(1).and_then(|last| padded.get(last)) {
        match byte {
            0 => end -= 1,
            PADDING_MARK => {
                end -= 1;
                break;
            }
            _ => break,
        }
    }
    &padded[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pads_to_the_next_block_and_a_whole_block_more_when_full() {
        assert_eq!(pad(&[]).len(), 160);
        assert_eq!(pad(&[]), [&[0x80u8][..], &[0u8; 159][..]].concat());
        assert_eq!(pad(&[1; 158]).len(), 160);
        // 159 + 1 is already a multiple: the mark, then a whole extra block.
        let padded = pad(&[1; 159]);
        assert_eq!(padded.len(), 160);
        assert_eq!(padded[159], 0x80);
        let padded = pad(&[1; 160]);
        assert_eq!(padded.len(), 320);
        assert_eq!(padded[160], 0x80);
        assert_eq!(pad(&[1; 319]).len(), 320);
        assert_eq!(pad(&[1; 320]).len(), 480);
    }

    #[test]
    fn unpads_what_older_clients_send() {
        // Signal-style padding to any length.
        assert_eq!(unpad(&[7, 8, 0x80, 0, 0, 0]), &[7, 8]);
        assert_eq!(unpad(&[7, 8, 0x80]), &[7, 8]);
        // No padding at all.
        assert_eq!(unpad(&[7, 8]), &[7, 8]);
        // Only the last mark goes.
        assert_eq!(unpad(&[7, 0x80, 0x80, 0]), &[7, 0x80]);
        assert_eq!(unpad(&[]), &[] as &[u8]);
        assert_eq!(unpad(&[0, 0]), &[] as &[u8]);
    }

    proptest! {
        #[test]
        fn pad_then_unpad_is_the_identity(content in proptest::collection::vec(any::<u8>(), 0..1000)) {
            let padded = pad(&content);
            prop_assert_eq!(padded.len() % PADDING_BLOCK, 0);
            prop_assert!(padded.len() > content.len());
            prop_assert!(padded.len() <= content.len() + PADDING_BLOCK);
            prop_assert_eq!(unpad(&padded), &content[..]);
        }

        #[test]
        fn unpad_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let content = unpad(&bytes);
            prop_assert!(bytes.starts_with(content));
        }
    }
}
