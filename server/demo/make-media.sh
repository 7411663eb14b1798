#!/usr/bin/env bash
# Regenerates the demo workspace's media (server/demo/media) from drawing commands, deterministically:
# PNGs without time chunks, JPEG stripped and seeded, H.264 and WAV with bit-exact flags and no metadata.
# Kept for the record; the server never runs it (the files and media/manifest.json are committed).
# Needs Debian's ImageMagick 6 (/usr/bin/convert) and ffmpeg (/usr/bin/ffmpeg) with libx264 and libfreetype.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/media"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

IM=/usr/bin/convert
FF=/usr/bin/ffmpeg
SANS=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
BOLD=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
MONO=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
PNG_OPTS=(-strip -define png:exclude-chunks=date,time,tIME)

# ---------------------------------------------------------------------------------------------------------------
# Kitchen table: a mug (colour is the parameter) reading "BOM DIA", a blue bowl with three oranges, a spoon,
# a green napkin, a window with a plant, and a wall clock showing 10:10.
kitchen() {
	local mug="$1" dest="$2"
	"$IM" -size 640x400 xc:'#f3ead8' \
		-fill '#bfe3f5' -stroke '#8a6d4b' -strokewidth 6 -draw 'rectangle 60,40 260,190' \
		-draw 'line 160,40 160,190' -draw 'line 60,115 260,115' \
		-stroke none -fill '#c0673a' -draw 'polygon 198,150 232,150 228,188 202,188' \
		-fill '#3f8f4a' -draw 'circle 215,132 215,114' -draw 'circle 200,140 200,127' -draw 'circle 230,140 230,127' \
		-fill white -stroke '#333333' -strokewidth 5 -draw 'circle 500,90 500,48' \
		-stroke '#333333' -strokewidth 4 -draw 'line 500,90 480,78' -draw 'line 500,90 522,76' \
		-stroke none -fill '#a0703f' -draw 'rectangle 0,250 640,400' \
		-fill '#8a5d31' -draw 'rectangle 0,250 640,262' \
		-fill none -stroke "$mug" -strokewidth 9 -draw 'ellipse 230,265 16,20 0,360' \
		-stroke none -fill "$mug" -draw 'roundrectangle 144,228 222,302 8,8' \
		-fill '#4a2c17' -draw 'ellipse 183,232 36,6 0,360' \
		-fill white -font "$BOLD" -pointsize 13 -draw "text 153,272 'BOM DIA'" \
		-fill '#1f3f60' -draw 'ellipse 420,268 92,16 0,360' \
		-fill '#f28c1e' -stroke '#c96a0c' -strokewidth 2 \
		-draw 'circle 385,250 385,222' -draw 'circle 455,250 455,222' -draw 'circle 420,228 420,200' \
		-stroke none -fill '#2f5d8a' -draw 'ellipse 420,268 92,48 0,180' \
		-fill '#c9ced3' -stroke '#8c9399' -strokewidth 2 -draw 'line 250,338 318,312' -draw 'ellipse 326,309 12,6 -20,340' \
		-stroke none -fill '#4c9a5b' -draw 'polygon 520,300 600,300 612,350 532,350' \
		-fill '#dcefe0' -draw 'line 546,300 556,350' -draw 'line 572,300 584,350' \
		"${PNG_OPTS[@]}" "$dest"
}

# ---------------------------------------------------------------------------------------------------------------
# Bakery storefront "PADARIA BOA VISTA" with a striped awning, a window with bread, a door with an ABERTO sign,
# opening hours, a street lamp, a tree, and (when $1 is "bike") a bicycle leaning on the window. $1 "ghost"
# removes the bicycle but leaves a badly filled, smeared patch where it stood.
street() {
	local bike="$1" dest="$2"
	local extra=()
	if [ "$bike" = bike ]; then
		extra=(-fill none -stroke '#222222' -strokewidth 4 -draw 'circle 170,308 170,286' -draw 'circle 252,308 252,286'
			-stroke '#1f6fb2' -strokewidth 4 -draw 'line 170,308 205,272' -draw 'line 205,272 252,308'
			-draw 'line 205,272 240,272' -draw 'line 240,272 252,308' -draw 'line 205,272 200,262'
			-stroke '#222222' -draw 'line 194,262 208,262' -draw 'line 240,272 236,258' -draw 'line 230,258 246,258')
	elif [ "$bike" = ghost ]; then
		extra=(-stroke none -fill '#cdb99a' -draw 'rectangle 150,288 272,330'
			-fill '#bfae92' -draw 'ellipse 210,300 50,14 0,360')
	fi
	"$IM" -size 640x400 xc:'#cfe8f7' \
		-fill '#e9d8b8' -draw 'rectangle 80,40 560,330' \
		-fill '#2e4a3b' -draw 'rectangle 140,58 500,108' \
		-fill '#f6ecd0' -font "$BOLD" -pointsize 26 -draw "text 172,94 'PADARIA BOA VISTA'" \
		-fill '#c0392b' -draw 'polygon 120,115 520,115 540,152 100,152' \
		-fill white -draw 'polygon 170,115 210,115 215,152 165,152' -draw 'polygon 250,115 290,115 292,152 248,152' \
		-draw 'polygon 330,115 370,115 372,152 328,152' -draw 'polygon 410,115 450,115 455,152 405,152' \
		-fill '#9cc3d5' -stroke '#6b3e26' -strokewidth 5 -draw 'rectangle 130,168 300,300' \
		-stroke none -fill '#d9a25f' -draw 'ellipse 165,238 24,12 0,360' -draw 'ellipse 218,238 24,12 0,360' -draw 'ellipse 268,238 22,12 0,360' \
		-fill '#8a5a2b' -draw 'rectangle 136,252 294,258' \
		-fill '#6b3e26' -draw 'rectangle 360,160 440,330' -fill '#e0c068' -draw 'circle 428,250 428,244' \
		-fill white -draw 'rectangle 372,190 428,212' -fill '#2e7d32' -font "$BOLD" -pointsize 12 -draw "text 377,206 'ABERTO'" \
		-fill '#2e4a3b' -font "$SANS" -pointsize 13 -draw "text 162,190 'Seg–Sáb 7h–20h'" \
		-fill '#b9b9b9' -draw 'rectangle 0,330 640,360' -fill '#555555' -draw 'rectangle 0,360 640,400' \
		-fill '#f2f2f2' -draw 'rectangle 40,378 100,382' -draw 'rectangle 160,378 220,382' -draw 'rectangle 280,378 340,382' -draw 'rectangle 400,378 460,382' -draw 'rectangle 520,378 580,382' \
		-fill '#3a3a3a' -draw 'rectangle 46,120 52,332' -fill '#ffe28a' -stroke '#3a3a3a' -strokewidth 3 -draw 'polygon 36,110 62,110 56,128 42,128' \
		-stroke none -fill '#6d4c2f' -draw 'rectangle 582,210 596,332' \
		-fill '#3d8b40' -draw 'circle 589,170 589,120' -fill '#4caf50' -draw 'circle 570,190 570,160' -draw 'circle 610,185 610,155' \
		"${extra[@]}" \
		"${PNG_OPTS[@]}" "$dest"
}

# ---------------------------------------------------------------------------------------------------------------
# A parked hatchback ($1 colour) by a building, a tree ($2 "tree" or "none") and a parking sign whose plate
# reads $3 (the original says "8–18h").
car() {
	local colour="$1" tree="$2" plate="$3" dest="$4"
	local treecmd=()
	if [ "$tree" = tree ]; then
		treecmd=(-fill '#6d4c2f' -draw 'rectangle 92,180 106,332' -fill '#2e7d32' -draw 'circle 99,150 99,100'
			-fill '#43a047' -draw 'circle 74,172 74,142' -draw 'circle 126,170 126,140')
	fi
	"$IM" -size 640x400 xc:'#d6ecfa' \
		-fill '#9e9e9e' -draw 'rectangle 0,120 640,330' \
		-fill '#bdbdbd' -draw 'rectangle 160,150 230,200' -draw 'rectangle 280,150 350,200' -draw 'rectangle 400,150 470,200' \
		"${treecmd[@]}" \
		-fill '#b0b0b0' -draw 'rectangle 0,330 640,345' -fill '#4a4a4a' -draw 'rectangle 0,345 640,400' \
		-fill "$colour" -draw 'polygon 250,252 282,212 388,212 418,252' \
		-fill '#cfe9f7' -draw 'polygon 262,250 288,218 330,218 330,250' -draw 'polygon 338,250 338,218 384,218 406,250' \
		-fill "$colour" -draw 'roundrectangle 196,248 450,318 14,14' \
		-fill '#fff3b0' -draw 'rectangle 436,262 450,276' -fill '#d32f2f' -draw 'rectangle 196,262 206,276' \
		-fill '#1b1b1b' -draw 'circle 262,318 262,294' -draw 'circle 392,318 392,294' \
		-fill '#9e9e9e' -draw 'circle 262,318 262,306' -draw 'circle 392,318 392,306' \
		-fill '#7a7a7a' -draw 'rectangle 521,150 527,332' \
		-fill '#1565c0' -stroke white -strokewidth 3 -draw 'roundrectangle 490,96 558,164 6,6' \
		-stroke none -fill white -font "$BOLD" -pointsize 44 -draw "text 508,147 'P'" \
		-fill white -stroke '#1565c0' -strokewidth 2 -draw 'rectangle 490,168 558,196' \
		-stroke none -fill '#1565c0' -font "$BOLD" -pointsize 15 -draw "text 497,188 '$plate'" \
		"${PNG_OPTS[@]}" "$dest"
}

# ---------------------------------------------------------------------------------------------------------------
# A supermarket receipt; $1 is the printed date.
receipt() {
	local date="$1" dest="$2"
	"$IM" -size 360x480 xc:'#8d8d8d' \
		-fill '#fbfaf5' -draw 'rectangle 40,20 320,460' \
		-fill '#222222' -font "$MONO" -pointsize 15 -draw "text 78,56 'MERCADO SÃO JORGE'" \
		-pointsize 11 -draw "text 82,76 'CNPJ 12.345.678/0001-90'" -draw "text 92,92 'Rua das Flores, 210'" \
		-draw "text 56,118 '--------------------------------'" \
		-pointsize 13 -draw "text 56,140 'Data: $date  14:32'" \
		-draw "text 56,176 'Café torrado 500g    18,90'" \
		-draw "text 56,198 'Leite integral 1L x2  9,98'" \
		-draw "text 56,220 'Pão francês 0,5kg     7,45'" \
		-draw "text 56,242 'Banana prata 1kg      6,99'" \
		-pointsize 11 -draw "text 56,266 '--------------------------------'" \
		-font "$BOLD" -pointsize 15 -draw "text 56,292 'TOTAL R\$            43,32'" \
		-font "$MONO" -pointsize 12 -draw "text 56,318 'Cartão débito        43,32'" \
		-pointsize 11 -draw "text 96,420 'Obrigado pela preferência'" \
		"${PNG_OPTS[@]}" "$dest"
}

# ---------------------------------------------------------------------------------------------------------------
kitchen '#d32f2f' "$out/kitchen-table.png"
kitchen '#2e7d32' "$out/kitchen-table-green-mug.png"
street bike "$out/bakery-storefront.png"
street ghost "$out/bakery-storefront-no-bike.png"
"$IM" "$out/bakery-storefront.png" -flop "${PNG_OPTS[@]}" "$out/bakery-storefront-flopped.png"
car '#c62828' tree '8–18h' "$out/parked-car.png"
car '#1e4fc2' none '24h' "$out/parked-car-blue.png"
receipt '03/11/2024' "$out/receipt.png"
receipt '03/10/2024' "$out/receipt-redated.png"

# Revenue chart: FY2024 by quarter, Q3 dips (captions that say "grew every quarter" are checkably wrong).
"$IM" -size 640x400 xc:white \
	-fill '#222222' -font "$BOLD" -pointsize 18 -draw "text 40,36 'Atlas Retail — revenue by quarter, FY2024'" \
	-font "$SANS" -pointsize 12 -fill '#666666' -draw "text 40,56 'USD millions; unaudited'" \
	-stroke '#dddddd' -strokewidth 1 -draw 'line 80,320 600,320' -draw 'line 80,260 600,260' -draw 'line 80,200 600,200' -draw 'line 80,140 600,140' -draw 'line 80,80 600,80' \
	-stroke none -fill '#666666' -draw "text 50,324 '0'" -draw "text 50,264 '5'" -draw "text 44,204 '10'" -draw "text 44,144 '15'" -draw "text 44,84 '20'" \
	-fill '#2f6db5' -draw 'rectangle 115,171 195,320' -draw 'rectangle 235,151 315,320' -draw 'rectangle 355,162 435,320' \
	-fill '#f28c1e' -draw 'rectangle 475,93 555,320' \
	-fill '#222222' -font "$BOLD" -pointsize 14 -draw "text 136,164 '12.4'" -draw "text 256,144 '14.1'" -draw "text 376,155 '13.2'" -draw "text 496,86 '18.9'" \
	-font "$SANS" -pointsize 14 -draw "text 143,342 'Q1'" -draw "text 263,342 'Q2'" -draw "text 383,342 'Q3'" -draw "text 503,342 'Q4'" \
	-fill '#666666' -pointsize 11 -draw "text 40,380 'Source: Atlas Retail investor deck, Jan 2025. Q4 includes the Black Friday campaign.'" \
	"${PNG_OPTS[@]}" "$out/revenue-chart.png"

# Dermatology photo (mildly sensitive: bare skin, clinical): a red ring with a paler centre on a forearm.
"$IM" -size 480x360 xc:'#e2b08e' -seed 7 -attenuate 0.35 +noise Gaussian -blur 0x2 \
	-fill none -stroke '#c0443a' -strokewidth 22 -draw 'ellipse 240,170 92,74 0,360' \
	-stroke '#d77a66' -strokewidth 10 -draw 'ellipse 240,170 58,46 0,360' \
	-stroke none -fill '#c55347' -draw 'circle 240,170 240,160' -blur 0x4 \
	-fill '#f5f5f5' -draw 'rectangle 0,328 480,360' -fill '#333333' -font "$SANS" -pointsize 13 \
	-draw "text 12,349 'Left forearm, day 4 — ruler mark 1 cm'" -stroke '#333333' -strokewidth 2 -draw 'line 380,344 418,344' \
	-strip -quality 82 -sampling-factor 4:2:0 "$out/forearm-rash.jpg"

# ---------------------------------------------------------------------------------------------------------------
# Video 1 (4 s, 320x180, 25 fps): a red ball rolls left to right and stops (0–2.5 s); only afterwards, at 2.8 s,
# a blue box appears at the top left. A running clock in the corner makes the order checkable.
"$IM" -size 40x40 xc:none -fill '#d32f2f' -draw 'circle 20,20 20,2' "${PNG_OPTS[@]}" "$tmp/ball.png"
"$FF" -v error -y -f lavfi -i "color=c=#e8eef3:s=320x180:r=25:d=4" -i "$tmp/ball.png" -filter_complex \
	"[0]drawbox=x=0:y=140:w=320:h=40:color=#9aa5ad:t=fill[bg];[bg][1]overlay=x='if(lt(t,2.5),10+t/2.5*260,270)':y=100[v];[v]drawbox=x=20:y=30:w=50:h=50:color=#1e4fc2:t=fill:enable='gte(t,2.8)',drawtext=fontfile=$MONO:text='%{pts\:hms}':x=206:y=8:fontsize=14:fontcolor=#333333" \
	-c:v libx264 -threads 1 -preset medium -crf 26 -pix_fmt yuv420p -movflags +faststart -map_metadata -1 \
	-fflags +bitexact -flags:v +bitexact "$out/ball-then-box.mp4"

# Video 2 (3 s): a traffic light goes green → yellow → red, one second each.
light() {
	local g="$1" y="$2" r="$3" dest="$4"
	"$IM" -size 320x180 xc:'#20262b' -fill '#3a3f44' -draw 'roundrectangle 130,12 190,168 10,10' \
		-fill "$r" -draw 'circle 160,40 160,20' -fill "$y" -draw 'circle 160,90 160,70' -fill "$g" -draw 'circle 160,140 160,120' \
		"${PNG_OPTS[@]}" "$dest"
}
light '#39e05b' '#4a4420' '#4a2020' "$tmp/green.png"
light '#1f3a25' '#ffd42a' '#4a2020' "$tmp/yellow.png"
light '#1f3a25' '#4a4420' '#ff3b30' "$tmp/red.png"
"$FF" -v error -y -loop 1 -framerate 25 -t 1 -i "$tmp/green.png" -loop 1 -framerate 25 -t 1 -i "$tmp/yellow.png" \
	-loop 1 -framerate 25 -t 1 -i "$tmp/red.png" -filter_complex "[0][1][2]concat=n=3:v=1:a=0,format=yuv420p" \
	-c:v libx264 -threads 1 -preset medium -crf 28 -movflags +faststart -map_metadata -1 \
	-fflags +bitexact -flags:v +bitexact "$out/traffic-light.mp4"

# Audio (2 s, 16 kHz mono): a three-note doorbell chime rising C5 → E5 → G5, each note 0.35 s, every 0.5 s.
"$FF" -v error -y -f lavfi -i "aevalsrc='0.5*sin(2*PI*t*if(lt(t,0.5),523.25,if(lt(t,1.0),659.25,783.99)))*lt(mod(t,0.5),0.35)*lt(t,1.5)*sin(PI*mod(t,0.5)/0.35)':s=16000:d=2" \
	-c:a pcm_s16le -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$out/doorbell-chime.wav"

# ---------------------------------------------------------------------------------------------------------------
# Manifest: file name → { sha256, mime, size }, sorted by name.
mime_of() {
	case "$1" in
		*.png) echo image/png ;;
		*.jpg) echo image/jpeg ;;
		*.mp4) echo video/mp4 ;;
		*.wav) echo audio/wav ;;
	esac
}
{
	echo '{'
	first=1
	for f in $(cd "$out" && ls | grep -v '^manifest.json$' | LC_ALL=C sort); do
		sum=$(sha256sum "$out/$f" | cut -d' ' -f1)
		size=$(stat -c %s "$out/$f")
		[ $first = 1 ] || echo ','
		first=0
		printf '  "%s": {\n    "sha256": "%s",\n    "mime": "%s",\n    "size": %s\n  }' "$f" "$sum" "$(mime_of "$f")" "$size"
	done
	printf '\n}\n'
} >"$out/manifest.json"
echo "wrote $(ls "$out" | wc -l) files to $out"
