import Testing

@testable import Stage

@Suite struct VersionIndexTests {
    /// A key is new until its version is recorded, and new again when the version changes.
    @Test func versionIsNewOnlyWhenItChanged() {
        var index = VersionIndex()
        #expect(index.isNew(keyValues: ["  1"], version: "0x01"))
        index.record(keyValues: ["  1"], version: "0x01", deleted: false)
        #expect(!index.isNew(keyValues: ["  1"], version: "0x01"))
        #expect(index.isNew(keyValues: ["  1"], version: "0x02"))
        #expect(index.isNew(keyValues: ["1"], version: "0x01"), "leading spaces make a different key")
    }

    /// Content that returns to an earlier value after a change is a new version for the key (A → B → A).
    @Test func revertedContentIsStagedAgain() {
        var index = VersionIndex()
        index.record(keyValues: ["k"], version: "h:a", deleted: false)
        index.record(keyValues: ["k"], version: "h:b", deleted: false)
        #expect(index.isNew(keyValues: ["k"], version: "h:a"))
    }

    /// A deleted key that reappears with its old version is staged again.
    @Test func deletedKeyReappearingIsNew() {
        var index = VersionIndex()
        index.record(keyValues: ["k"], version: "h:a", deleted: true)
        #expect(index.isNew(keyValues: ["k"], version: "h:a"))
    }

    /// Vanished keys are the live ones not seen, in key order, with their key values intact.
    @Test func liveKeysNotSeenAreTheVanishedOnes() {
        var index = VersionIndex()
        index.record(keyValues: ["b", " 2"], version: "1", deleted: false)
        index.record(keyValues: ["a", " 1"], version: "1", deleted: false)
        index.record(keyValues: ["c", "3"], version: "1", deleted: true)
        let seen: Set = [VersionIndex.keyDigest(["a", " 1"])]
        let vanished = index.liveKeys(notIn: seen)
        #expect(vanished.map(\.1.keyValues) == [["b", " 2"]])
    }

    /// The index file round-trips, and any damaged byte makes it unreadable rather than wrong.
    @Test func indexFileRoundTripsAndRejectsDamage() throws {
        var index = VersionIndex()
        for number in 0..<50 {
            index.record(keyValues: ["\(number)", "x\u{00e9}"], version: "v\(number)", deleted: number % 7 == 0)
        }
        let bytes = VersionIndexFile.encode(index, coversSequence: 42)
        let decoded = try #require(VersionIndexFile.decode(bytes))
        #expect(decoded.coversSequence == 42)
        #expect(decoded.index.entries == index.entries)
        for offset in stride(from: 0, to: bytes.count, by: 97) {
            var damaged = bytes
            damaged[offset] ^= 0x40
            #expect(VersionIndexFile.decode(damaged) == nil)
        }
        #expect(VersionIndexFile.decode(Array(bytes.dropLast(1))) == nil)
    }
}
