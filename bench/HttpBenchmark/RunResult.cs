using System.Globalization;
using System.Text.Json;

namespace HttpBenchmark;

/// <summary>One run's figures as saved to JSON, which <c>summary</c> reads back.</summary>
sealed class RunResult
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // NaN (a figure that could not be measured) must survive the round trip.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Label { get; set; } = "";
    public string Scenario { get; set; } = "";
    /// <summary>Which server build ran: "baseline" or "candidate" under bench/http.sh.</summary>
    public string Target { get; set; } = "";
    /// <summary>False when any response had an unexpected status or any request failed: its figures are not comparable.</summary>
    public bool Valid { get; set; }
    public Dictionary<string, string> Setup { get; set; } = [];
    public Dictionary<string, double> Figures { get; set; } = [];
    public Dictionary<string, long> Statuses { get; set; } = [];
    public List<string> Errors { get; set; } = [];

    public double Figure(string name) => Figures.GetValueOrDefault(name, double.NaN);

    public static RunResult Load(string path) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Json) ?? throw new InvalidOperationException($"{path} is empty");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public string OneLine()
    {
        var close = Scenario == "create" ? $", close p50 {Number(Figure("close_p50_ms"))} / p99 {Number(Figure("close_p99_ms"))} ms" : "";
        return $"{Label}: {Number(Figure("requests_per_s"))} requests/s, {Scenario} p50 {Number(Figure($"{Scenario}_p50_ms"))} / p99 {Number(Figure($"{Scenario}_p99_ms"))} ms{close}; " +
               $"server {Number(Figure("server_cpu_cores"))} cores, {Number(Figure("server_cpu_s_per_1000_requests"))} CPU-s per 1,000 requests; " +
               $"generator {Number(Figure("generator_cpu_cores"))} cores, others {Number(Figure("other_cpu_cores"))} cores; non-2xx {Number(Figure("non_2xx"))}, errors {Number(Figure("errors"))}";
    }

    public static string Number(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "–"
        : Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00#", CultureInfo.InvariantCulture);
}
