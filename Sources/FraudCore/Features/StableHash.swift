/// A 64-bit hash of bytes that is the same in every process and on every platform.
///
/// Swift's `Hasher` is seeded randomly per process, so it cannot name a target in a
/// snapshot or decide a feature. Targets are hashed with FNV-1a followed by the
/// MurmurHash3 finaliser (so that ids differing only in their last byte spread over all
/// 64 bits); snapshots are checksummed with plain FNV-1a.
public enum StableHash {
    /// The hash of `text`'s UTF-8 bytes, used to name a receiving account.
    static func hash(_ text: String) -> UInt64 {
        let raw = text.utf8.withContiguousStorageIfAvailable { fnv1a($0) } ?? fnv1a(text.utf8)
        return finalise(raw)
    }

    /// FNV-1a (64-bit) of `bytes`: also what names model files' versions and assigns
    /// accounts to partitions offline.
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func finalise(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed ^= mixed >> 33
        mixed &*= 0xff51_afd7_ed55_8ccd
        mixed ^= mixed >> 33
        mixed &*= 0xc4ce_b9fe_1a85_ec53
        mixed ^= mixed >> 33
        return mixed
    }
}
