/// One HTTP header field, as sent or as received.
///
/// Names are kept as written; comparisons through the `[HTTPHeader]` helpers are case-insensitive, as
/// RFC 9110 §5.1 requires. This type is `Sendable`.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ value: String) {
        self.init(name: name, value: value)
    }

    /// Whether this field is called `name`, ignoring ASCII case.
    public func hasName(_ name: String) -> Bool {
        self.name.utf8.count == name.utf8.count && self.name.lowercased() == name.lowercased()
    }
}

extension Array where Element == HTTPHeader {
    /// The value of the first field called `name` (case-insensitive), or nil.
    public func value(for name: String) -> String? {
        first(where: { $0.hasName(name) })?.value
    }

    /// The values of every field called `name` (case-insensitive), in order.
    public func values(for name: String) -> [String] {
        filter { $0.hasName(name) }.map(\.value)
    }
}
