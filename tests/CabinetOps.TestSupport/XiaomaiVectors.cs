namespace CabinetOps.TestSupport;

/// <summary>The exact bodies of xiaomai.md §2.4's worked examples (119 and 367 bytes).</summary>
public static class XiaomaiVectors
{
    public const string AppId = "xm_app_10001";
    public const string Secret = "xm_test_secret_8f3b2c1d4e5a6978";

    public const string Example1Body = """{"session_id":"DS20261124140000A7K2","customer_ref":"u_4f9a2c","door_no":1,"unlock_window_s":30,"attach":"store=SH001"}""";

    public const string Example3Body = """{"event_id":"evt_20261124140004_0001","event_type":"door.opened","occurred_at":"2026-11-24T14:00:04.480+08:00","data":{"session_id":"DS20261124140000A7K2","wheat_order_no":"WX202611241400000017","device_code":"XM-SH-000123","store_code":"SH001","door_no":1,"customer_ref":"u_4f9a2c","attach":"store=SH001","session_seq":1,"opened_at":"2026-11-24T14:00:04.480+08:00"}}""";
}
