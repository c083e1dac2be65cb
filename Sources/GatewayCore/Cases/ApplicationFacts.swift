/// What the hub knows of a licence application (MOIT): the number of the last submission filed
/// and — once approved — the licence. The application itself is the record of the message
/// customs filed it with, read from there when a decision needs it.
public struct ApplicationFacts: CaseFacts {
    public var submitted: Int
    public var licence: LicenceFacts?

    public init(submitted: Int, licence: LicenceFacts? = nil) {
        self.submitted = submitted
        self.licence = licence
    }
}
