# Multi-stage build: the SDK image compiles, the slim ASP.NET runtime image runs as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY SupportChat.csproj ./
RUN dotnet restore SupportChat.csproj
COPY . .
RUN dotnet publish SupportChat.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /app /app
# The working directory holds the SQLite file (supportchat.db); on Fly.io a volume is mounted here.
# With PostgreSQL attached (DATABASE_URL or Database__ConnectionString) it stays empty.
RUN mkdir -p /data && chown app:app /data
WORKDIR /data
USER app
# On a one-core machine the runtime waits about 1 s without new methods being compiled before it starts promoting
# hot code to optimized tiers; a busy chat server keeps resetting that wait, and its hot path ran unoptimized for
# tens of seconds in the benchmark (BENCHMARKS.md). 0 promotes hot methods as soon as they are hot.
ENV ASPNETCORE_ENVIRONMENT=Production \
    PORT=8080 \
    DOTNET_TC_CallCountingDelayMs=0
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/SupportChat.dll", "--contentRoot", "/app"]
