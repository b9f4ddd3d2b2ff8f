using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// A query on a hot path (every mini-program request, every scan, every poll), compiled once
/// instead of translated on each call. EF Core binds a compiled query to the model it first ran
/// against; a node has one model, but one test process runs SQLite and PostgreSQL hosts side by
/// side, so the query is compiled once per model.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> byModel = new();

    public TQuery For(DbContext db) => byModel.GetValue(db.Model, _ => compile());
}
