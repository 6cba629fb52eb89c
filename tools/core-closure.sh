#!/usr/bin/env bash
# Shows that the core package runs PanEnv without the video stack: builds a throwaway console program in a temp folder
# that references only src/PanGym/PanGym.csproj, runs a Reset and three Steps of a PanEnv over an untrained tiny
# world model, then lists its whole package closure (dotnet list package --include-transitive) and fails if
# FFMpegCore, Polly or ScottPlot (or what they pull in) appears in it, or SkiaSharp at any version but the one TorchSharp
# itself depends on. Not run by CI; run it by hand: bash tools/core-closure.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
# The project under test; PANGYM_CLOSURE_PROJECT=src/PanGym.Video/PanGym.Video.csproj is a control that must fail.
project="$repo/${PANGYM_CLOSURE_PROJECT:-src/PanGym/PanGym.csproj}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pangym-core-closure.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

cat > "$work/CoreCheck.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <NoWarn>\$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$project" />
  </ItemGroup>
  <!-- What a package consumer gets from PanGym's buildTransitive folder: the TorchSharp native-library fix. -->
  <Import Project="$repo/build/PanGym.targets" />
</Project>
EOF

cat > "$work/Program.cs" <<'EOF'
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

using var model = PanWorldModel.Create(WorldModelConfig.Tiny, seed: 0);
using var env = new PanEnv(model, new PanEnvOptions(["move the red circle left", "wait"]));
var start = new Image(model.Config.ImageSize, model.Config.ImageSize);
var (observation, _) = env.Reset(start, seed: 0);
Console.WriteLine($"reset: observation {observation.Height}x{observation.Width}");
foreach (var action in (string[])["move the red circle left", "wait", "move the red circle left"])
{
    var step = env.Step(action);
    Console.WriteLine($"step \"{action}\": observation {step.Observation.Height}x{step.Observation.Width}, reward {step.Reward:F3}");
}
EOF

echo "== build and run (references only ${project#$repo/})"
dotnet build "$work/CoreCheck.csproj" -c Release -nologo -v quiet 2>&1 | tail -3
dotnet run --project "$work/CoreCheck.csproj" -c Release --no-build

echo "== dotnet list package --include-transitive"
listing="$(cd "$work" && dotnet list package --include-transitive)"
echo "$listing"

# The video stack: FFMpegCore (and its Instances), Polly (Polly.Core), ScottPlot and what it draws with (SkiaSharp 3,
# HarfBuzzSharp, SkiaSharp.HarfBuzz, SkiaSharp's Linux natives).
forbidden='^[[:space:]]*>[[:space:]]*(FFMpegCore|Instances|Polly|ScottPlot|HarfBuzzSharp|SkiaSharp\.HarfBuzz|SkiaSharp\.NativeAssets\.Linux)([.[:space:]]|$)'
if grep -Eq "$forbidden" <<<"$listing"; then
    echo "FAIL: the core's closure holds a video, HTTP-resilience or plotting package:" >&2
    grep -E "$forbidden" <<<"$listing" >&2
    exit 1
fi

# TorchSharp itself depends on SkiaSharp (its image IO; torchsharp.nuspec pins one version), so SkiaSharp is in any
# closure that holds TorchSharp. It may appear only at exactly that version: anything else means another package
# (ScottPlot pulls SkiaSharp 3.x) brought it in.
torchsharp="$(awk '$1 == ">" && $2 == "TorchSharp" { print $3 }' <<<"$listing")"
packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
nuspec="${packages%/}/torchsharp/$torchsharp/torchsharp.nuspec"
torch_skia="$(grep -o 'id="SkiaSharp" version="[^"]*"' "$nuspec" | head -1 | sed 's/.*version="\([^"]*\)"/\1/')"
[[ -n "$torch_skia" ]] || { echo "FAIL: could not read TorchSharp $torchsharp's SkiaSharp dependency from $nuspec" >&2; exit 1; }
other_skia="$(awk -v v="$torch_skia" '$1 == ">" && $2 ~ /^SkiaSharp/ && $3 != v' <<<"$listing")"
if [[ -n "$other_skia" ]]; then
    echo "FAIL: SkiaSharp at a version other than TorchSharp $torchsharp's own ($torch_skia):" >&2
    echo "$other_skia" >&2
    exit 1
fi
echo "OK: no FFMpegCore, Polly, ScottPlot (nor HarfBuzzSharp, SkiaSharp 3) in the core's closure;"
echo "    SkiaSharp $torch_skia is TorchSharp $torchsharp's own dependency ($nuspec)."
