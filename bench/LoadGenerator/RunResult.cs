using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadGenerator;

/// <summary>Named figures of one run, in the order they were measured. Units are in the names (_ms, _kib, _per_s).</summary>
sealed class Figures : Dictionary<string, double>;

/// <summary>One run's setup and figures: printed for the reader and saved as JSON for <c>summary</c>.</summary>
sealed class RunResult
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // NaN: a figure nothing was measured for
    };

    /// <summary>chat-closed, chat-open, idle or close-burst.</summary>
    public required string Scenario { get; init; }
    /// <summary>real (SupportChat) or relay (bench/BareRelay).</summary>
    public required string Target { get; init; }
    public string Label { get; init; } = "";
    public string Started { get; init; } = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    public Dictionary<string, string> Setup { get; init; } = [];
    public Figures Figures { get; init; } = [];
    public List<string> Notes { get; init; } = [];

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"== {Scenario} on {Target}{(Label.Length > 0 ? $" ({Label})" : "")}: {string.Join(", ", Setup.Select(s => $"{s.Key}={s.Value}"))}");
        foreach (var (name, value) in Figures)
            Console.WriteLine($"   {name,-34} {Format(value)}");
        foreach (var note in Notes)
            Console.WriteLine($"   note: {note}");
    }

    public void Save(string? path)
    {
        if (path is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
    }

    public static RunResult Load(string path) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), JsonOptions) ?? throw new InvalidDataException($"{path} holds no result");

    public static string Format(double value) => double.IsNaN(value) ? "-"
        : Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("#,0.#", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
