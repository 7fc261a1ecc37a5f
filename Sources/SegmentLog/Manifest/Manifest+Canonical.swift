internal import Common

extension Manifest {
    /// The canonical JSON value of §4.1, with or without the `manifestHash` member.
    func canonicalJSON(includingHash: Bool) -> CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "formatVersion": .integer(formatVersion),
            "stream": .object(["company": .string(stream.company), "table": .string(stream.table)]),
            "sequence": .integer(Int64(sequence)),
            "segment": .string(segmentFileName),
            "createdAt": .string(createdAt),
            "runId": .string(runID),
            "sourceQuery": .string(sourceQuery),
            "cursor": .object([
                "from": cursor.from.map { .string($0) } ?? .null, "to": cursor.to.map { .string($0) } ?? .null,
            ]),
            "businessDates": businessDates.map { .object(["min": .string($0.min), "max": .string($0.max)]) } ?? .null,
            "rowCount": .integer(rowCount),
            "compressedSize": .integer(compressedSize),
            "uncompressedSize": .integer(uncompressedSize),
            "segmentSHA256": .string(segmentSHA256),
            "blocks": .array(blocks.map(\.canonicalJSON)),
            "controlTotals": controlTotals.canonicalJSON,
            "schemaFingerprint": .string(schemaFingerprint),
            "previousManifestHash": .string(previousManifestHash),
        ]
        if includingHash { members["manifestHash"] = .string(manifestHash) }
        return .object(members)
    }

    /// The canonical encoding of §4.1 with `manifestHash`, written directly (no intermediate value tree), and
    /// the byte range of the `"manifestHash":"…",` member within it.
    ///
    /// Removing that range gives exactly the encoding without `manifestHash` (the bytes ``computedHash``
    /// hashes): `manifestHash` sorts between `formatVersion` and `previousManifestHash`, so it is never the
    /// first or last member. Keys are written in their UTF-8 byte order, which
    /// `directEncodingMatchesValueEncoding` checks against ``canonicalJSON(includingHash:)``.
    func canonicalEncoding(includingHash: Bool = true) -> (bytes: [UInt8], hashMember: Range<Int>) {
        var out: [UInt8] = []
        // About 65 bytes per GL group and 140 per block are written; the margin holds the hash member.
        out.reserveCapacity(1024 + blocks.count * 160 + controlTotals.groupCount * 80)
        func key(_ name: StaticString) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func openObject(_ firstKey: StaticString) {
            out.append(UInt8(ascii: "{"))
            key(firstKey)
        }
        func string(_ text: String) { CanonicalJSON.appendString(text, to: &out) }
        func optionalString(_ text: String?) {
            if let text { string(text) } else { out.append(contentsOf: "null".utf8) }
        }
        func integer(_ value: Int64) { out.append(contentsOf: String(value).utf8) }
        func comma() { out.append(UInt8(ascii: ",")) }
        func stringMap(_ map: [String: String]) { CanonicalJSON.appendStringMap(map, to: &out) }

        out.append(UInt8(ascii: "{"))
        key("blocks")
        out.append(UInt8(ascii: "["))
        for (index, block) in blocks.enumerated() {
            if index > 0 { comma() }
            openObject("compressedLength")
            integer(block.compressedLength)
            comma()
            key("compressedOffset")
            integer(block.compressedOffset)
            comma()
            key("crc32")
            string(Hex.crc32(block.crc32))
            comma()
            key("firstRow")
            integer(block.firstRow)
            comma()
            key("rowCount")
            integer(block.rowCount)
            comma()
            key("uncompressedLength")
            integer(block.uncompressedLength)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        comma()
        key("businessDates")
        if let businessDates {
            openObject("max")
            string(businessDates.max)
            comma()
            key("min")
            string(businessDates.min)
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        comma()
        key("compressedSize")
        integer(compressedSize)
        comma()
        key("controlTotals")
        openObject("amounts")
        stringMap(controlTotals.amounts)
        comma()
        key("groups")
        controlTotals.appendCanonicalGroups(to: &out)
        comma()
        key("rowCount")
        integer(controlTotals.rowCount)
        out.append(UInt8(ascii: "}"))
        comma()
        key("createdAt")
        string(createdAt)
        comma()
        key("cursor")
        openObject("from")
        optionalString(cursor.from)
        comma()
        key("to")
        optionalString(cursor.to)
        out.append(UInt8(ascii: "}"))
        comma()
        key("formatVersion")
        integer(formatVersion)
        comma()
        let hashStart = out.count
        if includingHash {
            key("manifestHash")
            string(manifestHash)
            comma()
        }
        let hashMember = hashStart..<out.count
        key("previousManifestHash")
        string(previousManifestHash)
        comma()
        key("rowCount")
        integer(rowCount)
        comma()
        key("runId")
        string(runID)
        comma()
        key("schemaFingerprint")
        string(schemaFingerprint)
        comma()
        key("segment")
        string(segmentFileName)
        comma()
        key("segmentSHA256")
        string(segmentSHA256)
        comma()
        key("sequence")
        integer(Int64(sequence))
        comma()
        key("sourceQuery")
        string(sourceQuery)
        comma()
        key("stream")
        openObject("company")
        string(stream.company)
        comma()
        key("table")
        string(stream.table)
        out.append(UInt8(ascii: "}"))
        comma()
        key("uncompressedSize")
        integer(uncompressedSize)
        out.append(UInt8(ascii: "}"))
        return (out, hashMember)
    }

    /// SHA-256 hex of `bytes` without the `hashMember` range (offsets from the slice's start): the manifest hash
    /// of an encoding from ``canonicalEncoding(includingHash:)``, computed from that same buffer.
    static func hash(of bytes: ArraySlice<UInt8>, excluding hashMember: Range<Int>) -> String {
        let hasher = SHA256Hasher()
        bytes.withUnsafeBytes { buffer in
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<hashMember.lowerBound]))
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[hashMember.upperBound...]))
        }
        return hasher.finalize().description
    }

    /// The file bytes (canonical encoding and one LF) and the hash recomputed from their content, from one
    /// encoding: what a reader compares with the file and with ``manifestHash``.
    func encodedForVerification() -> (fileBytes: [UInt8], computedHash: String) {
        let encoding = canonicalEncoding(includingHash: true)
        let hash = Self.hash(of: encoding.bytes[...], excluding: encoding.hashMember)
        var bytes = encoding.bytes
        bytes.append(Format.lineFeed)
        return (bytes, hash)
    }

    /// Decodes a manifest file's bytes, checking that they are exactly the canonical encoding plus one LF,
    /// that the format version is known, and that ``manifestHash`` matches.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - file: the file's path, for messages.
    /// - Throws: `SysproBQError` `.corruption` naming the file and what is wrong.
    static func decode(_ bytes: [UInt8], file: String) throws -> Manifest {
        guard bytes.last == Format.lineFeed else {
            throw ManifestDecodingError.corrupt(file, "does not end with a newline (truncated?)")
        }
        let value: CanonicalJSON
        do {
            value = try CanonicalJSON.parse(bytes.dropLast())
        } catch {
            throw ManifestDecodingError.corrupt(file, "is not valid JSON: \(error)")
        }
        let manifest = try ManifestDecodingError.decodeFields(value, file: file)
        let (fileBytes, computed) = manifest.encodedForVerification()
        guard fileBytes == bytes else {
            throw ManifestDecodingError.corrupt(file, "is not in canonical form (edited by hand?)")
        }
        guard computed == manifest.manifestHash else {
            throw hashMismatch(file, expected: manifest.manifestHash, computed: computed)
        }
        return manifest
    }

    /// Decodes a manifest file's bytes without building its per-group control totals (the result has none, as
    /// ``droppingGroupTotals()`` gives), checking ``manifestHash`` against the SHA-256 of the file's own bytes
    /// with the `"manifestHash":"…",` member and the final LF removed.
    ///
    /// For readers that hold many manifests and never use the groups (load, status, the extract's start). The
    /// hash over the bytes proves them to be what the writer sealed, as ``decode(_:file:)`` does; only the
    /// check that a re-encoding gives the same bytes (a file rewritten by hand with a recomputed hash) is left
    /// to `verify`, which decodes fully. A GenTransaction manifest of 100k rows (about 1 MB of groups) costs
    /// a few milliseconds here instead of tens.
    /// - Throws: `SysproBQError` `.corruption` naming the file and what is wrong.
    static func decodeWithoutGroupTotals(_ bytes: [UInt8], file: String) throws -> Manifest {
        guard bytes.last == Format.lineFeed else {
            throw ManifestDecodingError.corrupt(file, "does not end with a newline (truncated?)")
        }
        let content = bytes.dropLast()
        let value: CanonicalJSON
        do {
            value = try CanonicalJSON.parse(content, skippingObjectAt: ["controlTotals", "groups"])
        } catch {
            throw ManifestDecodingError.corrupt(file, "is not valid JSON: \(error)")
        }
        let manifest = try ManifestDecodingError.decodeFields(value, file: file)
        guard let member = hashMember(in: content, hash: manifest.manifestHash) else {
            throw ManifestDecodingError.corrupt(file, "is not in canonical form (edited by hand?)")
        }
        let computed = hash(of: content, excluding: member)
        guard computed == manifest.manifestHash else {
            throw hashMismatch(file, expected: manifest.manifestHash, computed: computed)
        }
        return manifest
    }

    /// The error for a manifest whose content does not hash to its `manifestHash`.
    static func hashMismatch(_ file: String, expected: String, computed: String) -> SysproBQError {
        SysproBQError(
            .corruption,
            "Manifest \(file) fails its own hash: expected manifestHash \(expected), computed \(computed)",
            remedy: "The manifest was altered after sealing; restore it from a backup and run verify.",
            disposition: .needsHuman
        )
    }

    /// The byte range of the top-level `"manifestHash":"<hash>",` member in a canonical encoding, or `nil`.
    ///
    /// In the canonical encoding the member follows `formatVersion` and precedes `previousManifestHash`, and
    /// every member after it is a top-level one whose strings escape their quotes, so the last occurrence of
    /// `,"manifestHash":"<hash>",` is the member itself (a nested amount column of that name would come earlier).
    static func hashMember(in content: ArraySlice<UInt8>, hash: String) -> Range<Int>? {
        let needle = Array(",\"manifestHash\":\"\(hash)\",".utf8)
        guard content.count >= needle.count else { return nil }
        var start = content.endIndex - needle.count
        while start >= content.startIndex {
            if content[start] == needle[0], content[start..<(start + needle.count)].elementsEqual(needle) {
                let lower = start + 1 - content.startIndex
                return lower..<(lower + needle.count - 1)
            }
            start -= 1
        }
        return nil
    }
}

extension BlockIndexEntry {
    var canonicalJSON: CanonicalJSON {
        .object([
            "compressedOffset": .integer(compressedOffset),
            "compressedLength": .integer(compressedLength),
            "crc32": .string(Hex.crc32(crc32)),
            "firstRow": .integer(firstRow),
            "rowCount": .integer(rowCount),
            "uncompressedLength": .integer(uncompressedLength),
        ])
    }
}

extension ControlTotals {
    var canonicalJSON: CanonicalJSON {
        .object([
            "rowCount": .integer(rowCount),
            "amounts": .object(amounts.mapValues { .string($0) }),
            "groups": .object(groups.mapValues { .object($0.mapValues { .string($0) }) }),
        ])
    }
}

/// Field-by-field decoding of a manifest's canonical JSON, with messages naming the field.
enum ManifestDecodingError {
    static func corrupt(_ file: String, _ what: String) -> SysproBQError {
        SysproBQError(
            .corruption,
            "Manifest \(file) \(what)",
            remedy: "Restore the manifest from a backup, then run verify on the stream.",
            disposition: .needsHuman
        )
    }

    static func decodeFields(_ value: CanonicalJSON, file: String) throws -> Manifest {
        func field(_ name: String) throws -> CanonicalJSON {
            guard let member = value[name] else { throw corrupt(file, "lacks the field '\(name)'") }
            return member
        }
        func string(_ name: String, in object: CanonicalJSON? = nil) throws -> String {
            guard let text = (object == nil ? try field(name) : object?[name])?.stringValue else {
                throw corrupt(file, "has a missing or non-string field '\(name)'")
            }
            return text
        }
        func optionalString(_ name: String, in object: CanonicalJSON) throws -> String? {
            guard let member = object[name], member.isNull || member.stringValue != nil else {
                throw corrupt(file, "has a missing or invalid field '\(name)'")
            }
            return member.stringValue
        }
        func integer(_ name: String, in object: CanonicalJSON? = nil, minimum: Int64 = 0) throws -> Int64 {
            guard let number = (object == nil ? try field(name) : object?[name])?.integerValue, number >= minimum
            else { throw corrupt(file, "has a missing or invalid integer '\(name)'") }
            return number
        }
        func decimalMap(_ value: CanonicalJSON?, _ name: String) throws -> [String: String] {
            guard let members = value?.objectValue else { throw corrupt(file, "has an invalid '\(name)'") }
            return try members.mapValues { member in
                guard let text = member.stringValue else { throw corrupt(file, "has a non-string sum in '\(name)'") }
                return text
            }
        }

        let version = try integer("formatVersion")
        guard version == Format.formatVersion else {
            throw SysproBQError(
                .corruption,
                "Manifest \(file) has formatVersion \(version); this syspro-bq reads version \(Format.formatVersion)",
                remedy: "Read it with the syspro-bq version that wrote it.",
                disposition: .needsHuman
            )
        }
        let streamValue = try field("stream")
        let stream: StreamID
        do {
            stream = try StreamID(
                company: try string("company", in: streamValue),
                table: try string("table", in: streamValue)
            )
        } catch {
            throw corrupt(file, "names an invalid stream")
        }
        let sequence = try integer("sequence", minimum: 1)
        guard UInt64(sequence) <= Format.maximumSequence else { throw corrupt(file, "has sequence out of range") }
        let cursorValue = try field("cursor")
        let cursor = CursorRange(
            from: try optionalString("from", in: cursorValue),
            to: try optionalString("to", in: cursorValue)
        )
        let datesValue = try field("businessDates")
        var businessDates: BusinessDateRange?
        if !datesValue.isNull {
            do {
                businessDates = try BusinessDateRange(
                    min: try string("min", in: datesValue),
                    max: try string("max", in: datesValue)
                )
            } catch {
                throw corrupt(file, "has an invalid businessDates range")
            }
        }
        guard let blockValues = try field("blocks").arrayValue else { throw corrupt(file, "has invalid 'blocks'") }
        var blocks: [BlockIndexEntry] = []
        for block in blockValues {
            guard let crcText = block["crc32"]?.stringValue, let crc = Hex.parseCRC32(crcText) else {
                throw corrupt(file, "has a block with an invalid 'crc32'")
            }
            blocks.append(
                BlockIndexEntry(
                    compressedOffset: try integer("compressedOffset", in: block),
                    compressedLength: try integer("compressedLength", in: block),
                    crc32: crc,
                    firstRow: try integer("firstRow", in: block),
                    rowCount: try integer("rowCount", in: block),
                    uncompressedLength: try integer("uncompressedLength", in: block)
                )
            )
        }
        let totalsValue = try field("controlTotals")
        guard let groupValues = totalsValue["groups"]?.objectValue else { throw corrupt(file, "has invalid 'groups'") }
        let totals: ControlTotals
        do {
            totals = try ControlTotals(
                rowCount: try integer("rowCount", in: totalsValue),
                amounts: try decimalMap(totalsValue["amounts"], "amounts"),
                groups: try groupValues.mapValues { try decimalMap($0, "groups") }
            )
        } catch let error as SysproBQError where error.code == .invalidData {
            throw corrupt(file, "has control totals that are not decimal text")
        }
        let manifest = Manifest(
            stream: stream,
            sequence: UInt64(sequence),
            createdAt: try string("createdAt"),
            runID: try string("runId"),
            sourceQuery: try string("sourceQuery"),
            cursor: cursor,
            businessDates: businessDates,
            rowCount: try integer("rowCount"),
            compressedSize: try integer("compressedSize"),
            uncompressedSize: try integer("uncompressedSize"),
            segmentSHA256: try string("segmentSHA256"),
            blocks: blocks,
            controlTotals: totals,
            schemaFingerprint: try string("schemaFingerprint"),
            previousManifestHash: try string("previousManifestHash"),
            manifestHash: try string("manifestHash")
        )
        guard try string("segment") == manifest.segmentFileName else {
            throw corrupt(file, "names segment '\(try string("segment"))' but has sequence \(sequence)")
        }
        return manifest
    }
}
