import Common

/// A manifest's per-group control totals held as their canonical encoding (staging format §4.1, §4.2): the
/// JSON object `{"<group>":{"<sum>":"<decimal>",…},…}` with keys in UTF-8 byte order. Built by
/// ``GroupTotalsEncoder``; value type, `Sendable`.
public struct EncodedGroupTotals: Sendable, Hashable {
    /// The canonical bytes of the groups object.
    public let bytes: [UInt8]
    /// How many groups it holds.
    public let count: Int

    /// The groups as dictionaries (decodes the bytes).
    func decoded() -> [String: [String: String]] {
        guard case .object(let groups)? = try? CanonicalJSON.parse(bytes) else {
            preconditionFailure("EncodedGroupTotals holds bytes its encoder wrote")
        }
        return groups.mapValues { group in
            guard case .object(let sums) = group else { preconditionFailure("a group is an object") }
            return sums.mapValues { sum in
                guard case .string(let text) = sum else { preconditionFailure("a sum is a string") }
                return text
            }
        }
    }
}

/// Writes per-group control totals straight into their canonical encoding, one group at a time, so a
/// writer with many groups never builds a dictionary per group.
///
/// Groups must be appended in strictly increasing UTF-8 byte order of their names, and each group's sums
/// in strictly increasing order of their names; every sum must be decimal text. This type is a value type.
public struct GroupTotalsEncoder {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var count = 0
    private var previousName: [UInt8] = []

    public init(expectedGroups: Int = 0) {
        bytes.reserveCapacity(2 + expectedGroups * 72)
    }

    /// Appends the group `name` (UTF-8 bytes) with its `sums` (name, decimal text), in the order given. (An array,
    /// not a dictionary literal: the order is checked, so it must be the caller's.)
    ///
    /// - Throws: `SysproBQError` `.internalError` when a name is out of order, `.invalidData` when a sum is not
    ///   decimal text.
    public mutating func append(name: UnsafeBufferPointer<UInt8>, sums: [(String, String)]) throws {
        let ordered = previousName.withUnsafeBufferPointer { previous in
            count == 0 || CanonicalJSON.bytesPrecede(previous, name)
        }
        guard ordered else {
            throw SysproBQError(
                .internalError,
                "Control-total groups were not given in UTF-8 byte order (at "
                    + "\(String(reflecting: String(decoding: name, as: UTF8.self))))",
                disposition: .terminal
            )
        }
        previousName.removeAll(keepingCapacity: true)
        previousName.append(contentsOf: name)
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        CanonicalJSON.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: "{"))
        var previousSum: String?
        for (index, (sumName, value)) in sums.enumerated() {
            guard previousSum.map({ CanonicalJSON.utf8Precedes($0, sumName) }) ?? true else {
                throw SysproBQError(
                    .internalError,
                    "The sums of a control-total group were not given in UTF-8 byte order (at \(sumName))",
                    disposition: .terminal
                )
            }
            guard ControlTotals.isDecimalText(value) else {
                throw SysproBQError(
                    .invalidData,
                    "Control total \(String(reflecting: String(decoding: name, as: UTF8.self) + "." + sumName)) = "
                        + "\(String(reflecting: value)) is not decimal text",
                    remedy: "Sum amounts exactly and pass the sum as text like -1234.50.",
                    disposition: .terminal
                )
            }
            previousSum = sumName
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CanonicalJSON.appendString(sumName, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            CanonicalJSON.appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        count += 1
    }

    /// The encoded groups; the encoder is empty afterwards (its bytes move into the result, uncopied).
    public mutating func finish() -> EncodedGroupTotals {
        bytes.append(UInt8(ascii: "}"))
        let result = EncodedGroupTotals(bytes: bytes, count: count)
        self = GroupTotalsEncoder()
        return result
    }
}
