/// Bounds on what the gateway is willing to parse. A document beyond them is refused before
/// it can cost more than a few milliseconds.
public struct XMLParsingLimits: Sendable, Hashable {
    /// The largest document accepted, in bytes (world §1.3: 5 MiB).
    public var maximumBytes: Int
    /// The deepest element nesting accepted. Partner formats nest at most about 20 levels,
    /// a signature adds 4.
    public var maximumDepth: Int

    public init(maximumBytes: Int = 5 * 1024 * 1024, maximumDepth: Int = 64) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
    }

    public static let `default` = XMLParsingLimits()
}
