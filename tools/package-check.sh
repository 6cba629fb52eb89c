#!/usr/bin/env bash
# Checks README's packaging as a new user meets it: packs the packages with README's pack line (the block after
# "<!-- package-check: pack -->") into a temporary folder, makes a console project beside it as README's consume block
# does (its nuget.config line, a PackageReference for each "dotnet add package"), with README's snippet (the block after
# "<!-- package-check: program -->") as Program.cs, and builds and runs it; one line after the snippet also computes with
# TorchSharp, so the native-library fix shipped in the package is checked too. Run by PackageCheckTests (about a minute
# or two); by hand: bash tools/package-check.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
readme="${PANGYM_PACKAGE_CHECK_README:-$repo/README.md}"   # another README (a test's broken copy) to check instead
work="$(mktemp -d "${TMPDIR:-/tmp}/pangym-package-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
fail() { echo "package-check: $*" >&2; exit 1; }

# The first fenced block after README's marker line "<!-- package-check: NAME -->".
block() {
  awk -v marker="<!-- package-check: $1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }' "$readme"
}

pack="$(block pack)"
consume="$(block consume)"
program="$(block program)"
[ -n "$pack" ] || fail "README.md has no block after <!-- package-check: pack -->"
[ -n "$consume" ] || fail "README.md has no block after <!-- package-check: consume -->"
[ -n "$program" ] || fail "README.md has no block after <!-- package-check: program -->"

# A version of its own, so that no PanGym 0.1.0 already in a package cache stands in for the packages made here.
version="0.1.0-check.$(date +%s).$$"
command="${pack//-o packages/-o $work/packages}"
[ "$command" != "$pack" ] || fail "README's pack line does not write to packages/ (-o packages)"
command="${command//dotnet pack /dotnet pack -p:PackageVersion=$version -nologo -v quiet -nodeReuse:false }"
echo "== pack: $pack"
started=$SECONDS
(cd "$repo" && eval "$command")
echo "packed in $((SECONDS - started)) s"

for id in PanGym PanGym.Envs PanGym.Video; do
  nupkg="$work/packages/$id.$version.nupkg"
  [ -f "$nupkg" ] || fail "README's pack line made no $id package (found: $(ls "$work/packages" | tr '\n' ' '))"
  unzip -l "$nupkg" | grep -q ' README.md$' || fail "$id's package has no README.md"
done
unzip -p "$work/packages/PanGym.$version.nupkg" PanGym.nuspec | grep -q 'id="Microsoft.Extensions.DependencyInjection"' \
  || fail "the PanGym package does not depend on Microsoft.Extensions.DependencyInjection, so BuildServiceProvider needs a reference of its own"
unzip -l "$work/packages/PanGym.$version.nupkg" | grep -q 'buildTransitive/PanGym.targets' || fail "the PanGym package lacks buildTransitive/PanGym.targets"

ids="$(grep -oE 'dotnet add package [A-Za-z0-9.]+' <<<"$consume" | awk '{ print $4 }')"
[ -n "$ids" ] || fail "README's consume block adds no package"
app="$work/MyGym"
mkdir "$app"
(cd "$app" && eval "$(grep -E '^echo .*> nuget\.config$' <<<"$consume")") || fail "README's consume block has no line writing nuget.config"
[ -f "$app/nuget.config" ] || fail "README's consume block wrote no nuget.config"

references=""
for id in $ids; do references+="    <PackageReference Include=\"$id\" Version=\"$version\" />"$'\n'; done
# Restored into a folder of its own, TorchSharp and the rest read in place from the machine's package cache.
cat > "$app/MyGym.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <RestorePackagesPath>$work/restored</RestorePackagesPath>
    <RestoreFallbackFolders>${NUGET_PACKAGES:-$HOME/.nuget/packages}</RestoreFallbackFolders>
    <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
  </PropertyGroup>
  <ItemGroup>
$references  </ItemGroup>
</Project>
XML
printf '%s\n' "$program" > "$app/Program.cs"
cat >> "$app/Program.cs" <<'CS'
Console.WriteLine($"package-check: observation {observation.Width}x{observation.Height}, reward {reward}, torch {PackageCheck.TorchSum()}");
CS
cat > "$app/PackageCheck.cs" <<'CS'
static class PackageCheck
{
    public static float TorchSum() => TorchSharp.torch.ones(3).sum().item<float>();
}
CS

echo "== build a console project referencing $(echo $ids) $version"
started=$SECONDS
dotnet build "$app/MyGym.csproj" -c Release -nologo -v quiet -nodeReuse:false || fail "the consumer project did not build"
echo "built in $((SECONDS - started)) s"
dotnet "$app/bin/Release/net10.0/MyGym.dll"
