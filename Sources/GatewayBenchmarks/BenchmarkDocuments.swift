/// The documents the benchmarks sign and verify, built here so a clone of the repository is enough.
public enum BenchmarkDocuments {
    /// A MOIT LicenceDecision of about `size` bytes: the world's example with as many approved
    /// goods lines as it takes.
    public static func licenceDecision(size: Int = 4096) -> [UInt8] {
        let head = """
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

        """
        let tail = """
          </ApprovedGoodsLines>
          <Reason>Dòng hàng 2 được cấp 450 tấn theo năng lực sản xuất đã đăng ký.</Reason>
          <OfficerName>Nguyễn Thị Thanh Hương</OfficerName>
          <DecisionTime>2025-02-27T15:28:40+07:00</DecisionTime>
        </LicenceDecision>

        """
        var lines = ""
        var number = 1
        while head.utf8.count + lines.utf8.count + tail.utf8.count < size {
            lines += """
                <ApprovedGoodsLine>
                  <LineNo>\(number)</LineNo>
                  <HSCode>7208\(String(5100 + number))</HSCode>
                  <ApprovedQuantity unit="TNE">\(1200 + number * 15)</ApprovedQuantity>
                </ApprovedGoodsLine>

            """
            number += 1
        }
        return Array((head + lines + tail).utf8)
    }

    /// VCB's PaymentConfirmation-01 example, the JSON a bank signs most often.
    public static let paymentConfirmation = Array("""
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
    """.utf8)
}
