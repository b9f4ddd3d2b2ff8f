using CabinetOps.Server;

var builder = WebApplication.CreateBuilder(args);
builder.AddCabinetOps();
var app = builder.Build();
app.MapCabinetOps();
return await app.RunCabinetOpsAsync(args);
