using System.Globalization;

namespace HttpBenchmark;

/// <summary>A command line that cannot run: the message and the usage are printed, exit code 2.</summary>
sealed class UsageException(string message) : Exception(message);

/// <summary>
/// <c>--name value</c> options and bare <c>--flag</c>s. Every option must be read by the command, so a typo
/// (<c>--duraton 60</c>) fails loudly instead of silently running the default.
/// </summary>
sealed class CommandLine
{
    readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null) _values[pending] = null;
                pending = arg[2..];
            }
            else if (pending is not null)
            {
                _values[pending] = arg;
                pending = null;
            }
            else throw new UsageException($"unexpected argument '{arg}'");
        }
        if (pending is not null) _values[pending] = null;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value)) return false;
        return value is null || bool.Parse(value);
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value ?? throw new UsageException($"--{name} needs a value") : null;
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public string Required(string name) => Text(name) ?? throw new UsageException($"--{name} is required");

    public int Int(string name, int fallback) => Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Number(string name, double fallback) => Text(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public int? OptionalInt(string name) => Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }
}
