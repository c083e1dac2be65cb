/// What the hub knows of a licence application (MOIT): the last submission filed and — once
/// approved — the licence.
public struct ApplicationFacts: CaseFacts {
    public var application: LicenceApplication
    public var submitted: Int
    public var licence: LicenceFacts?

    public init(application: LicenceApplication, licence: LicenceFacts? = nil) {
        self.application = application
        submitted = application.submissionNo
        self.licence = licence
    }
}
