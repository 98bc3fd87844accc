using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SupportChat.Tests.Support;

/// <summary>
/// Counts the SQL commands EF Core executes against one <see cref="TestApp"/>'s database while it is alive.
/// Other test classes run in parallel against other databases, so commands are told apart by the database their
/// connection points at (the SQLite file or the PostgreSQL database name), never by time.
/// </summary>
public sealed class SqlCommandCounter : IDisposable
{
    const string CommandEventPrefix = "Microsoft.EntityFrameworkCore.Database.Command.";
    static readonly string CommandExecuted = RelationalEventId.CommandExecuted.Name!;
    static readonly List<SqlCommandCounter> Active = [];

    /// <summary>
    /// Listens from the moment the test assembly loads, before any app runs a query. EF Core remembers for a second
    /// (its logging cache time) that nobody listened to a context's commands and skips the events meanwhile, so a
    /// subscription made just before the request under test could miss its command.
    /// </summary>
#pragma warning disable CA2255   // a test assembly, not a library: this is exactly the start-up hook wanted
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ListenFromTheStart() =>
        DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            // EF Core creates one listener per internal service provider; every one of them is watched.
            if (listener.Name == DbLoggerCategory.Name)
                listener.Subscribe(new Observer<KeyValuePair<string, object?>>(Record), name => name.StartsWith(CommandEventPrefix, StringComparison.Ordinal));
        }));

    static void Record(KeyValuePair<string, object?> e)
    {
        if (e.Key != CommandExecuted || e.Value is not CommandExecutedEventData executed) return;
        if (executed.Command.Connection?.ConnectionString is not { } connectionString) return;
        var database = DatabaseOf(connectionString);
        lock (Active)
            foreach (var counter in Active)
                if (counter._database == database) counter._commands.Add(executed.Command.CommandText);
    }

    readonly string _database;
    readonly List<string> _commands = [];

    public SqlCommandCounter(TestApp app)
    {
        _database = DatabaseOf(app.Database.ConnectionString) ?? throw new InvalidOperationException("The test database has no name.");
        lock (Active) Active.Add(this);
    }

    /// <summary>The SQL of every command counted so far, oldest first.</summary>
    public IReadOnlyList<string> Commands
    {
        get { lock (Active) return [.. _commands]; }
    }

    public int Count => Commands.Count;

    public void Dispose()
    {
        lock (Active) Active.Remove(this);
    }

    /// <summary>The SQLite file or the PostgreSQL database a connection string points at.</summary>
    static string? DatabaseOf(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var key in new[] { "Data Source", "DataSource", "Filename", "Database" })
            if (builder.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } name)
                return name;
        return null;
    }

    sealed class Observer<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnNext(T value) => onNext(value);
        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
