/// Messages of the world's example chain, kept here so the tests need only the repository.
public enum SampleDocuments {
    /// MOIT `LicenceDecision-01.xml` (APPROVED, licence 00125/2025/GPNK-BCT), unsigned.
    public static let licenceDecision = """
    <?xml version="1.0" encoding="UTF-8"?>
    <LicenceDecision xmlns="urn:vn:gov:moit:eps:1">
      <MessageId>fa9d8150-f485-4f54-9295-3e01edc6eb5a</MessageId>
      <SentAt>2025-02-27T15:30:12+07:00</SentAt>
      <ApplicationId>IA-2025-000418</ApplicationId>
      <Decision>APPROVED</Decision>
      <LicenceNumber>00125/2025/GPNK-BCT</LicenceNumber>
      <IssueDate>2025-02-27</IssueDate>
      <ValidFrom>2025-03-01</ValidFrom>
      <ValidUntil>2025-08-31</ValidUntil>
      <ApprovedGoodsLines>
        <ApprovedGoodsLine>
          <LineNo>1</LineNo>
          <HSCode>72085100</HSCode>
          <ApprovedQuantity unit="TNE">1200</ApprovedQuantity>
        </ApprovedGoodsLine>
        <ApprovedGoodsLine>
          <LineNo>2</LineNo>
          <HSCode>72091600</HSCode>
          <ApprovedQuantity unit="TNE">450</ApprovedQuantity>
        </ApprovedGoodsLine>
      </ApprovedGoodsLines>
      <Reason>Dòng hàng 2 được cấp 450 tấn theo năng lực sản xuất đã đăng ký.</Reason>
      <OfficerName>Nguyễn Thị Thanh Hương</OfficerName>
      <DecisionTime>2025-02-27T15:28:40+07:00</DecisionTime>
    </LicenceDecision>

    """

    /// VCB `PaymentConfirmation-01.json`, unsigned.
    public static let paymentConfirmation = """
    {
      "messageType": "PaymentConfirmation",
      "transactionRef": "VCB20250312004567",
      "bankCode": "VCB",
      "taxpayerTaxCode": "0105987654",
      "taxpayerName": "Công ty TNHH Thép Minh Phát",
      "declarationNumber": "106234567890",
      "taxNoticeNumber": "TB-2025-00004512",
      "amount": 991380000,
      "currency": "VND",
      "paidAt": "2025-03-12T14:22:31+07:00",
      "payerAccount": "0011****5678",
      "channel": "INTERNET",
      "remittanceInfo": "NOP THUE TK 106234567890 TB-2025-00004512"
    }

    """
}
