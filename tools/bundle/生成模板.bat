@echo off
chcp 936 >nul
setlocal
title 生成模板 @TITLE@
rem 由 tools/make_bundle.py 生成：GBK 编码、Windows 换行（cmd.exe 按代码页 936 读中文）。
rem 作用于本文件所在的文件夹（它就是一次检查的活动文件夹）；把另一次检查的活动文件夹拖到本文件上，
rem 则作用于那个文件夹。用 pushd 进入，网络上的共享文件夹也能用。
set "PYTHONPATH="
set "PYTHONHOME="
set "PY=%~dp0venv\Scripts\python.exe"
if not exist "%PY%" goto notinstalled
"%PY%" "%~dp0process.py" --version >nul 2>nul
if errorlevel 1 goto unfinished
set "CAMPAIGN=%~1"
if "%~1"=="" set "CAMPAIGN=%~dp0."
pushd "%CAMPAIGN%" 2>nul
if errorlevel 1 goto nofolder
set "CONFIG="
if exist "config.toml" set "CONFIG=config.toml"
if exist "检查活动设置.xlsx" set "CONFIG=检查活动设置.xlsx"
if not defined CONFIG goto nosettings
echo 按“%CD%”中的“%CONFIG%”生成本次检查要发出的全部空白表格，放在 templates 文件夹（每轮一个文件夹）……
echo.
"%PY%" "%~dp0process.py" templates --config "%CONFIG%"
if not "%errorlevel%"=="0" goto failed
echo.
echo ======================== 生成完成 ========================
echo 已为你打开 templates 文件夹：把本轮文件夹中的表格发给各检查组和报送单位。
echo 报回的表格放进 input 文件夹后，双击“汇总.bat”。
start "" "%CAMPAIGN%\templates"
goto end

:notinstalled
echo 还没有安装：请先双击“安装.bat”，看到“安装成功”后再双击本文件。
goto end

:unfinished
echo 安装没有完成（运行环境 venv 不完整，可能安装时被中断了）：请再双击一次“安装.bat”，
echo 看到“安装成功”后再双击本文件。
goto end

:nofolder
echo 打不开文件夹“%CAMPAIGN%”：请把一次检查的活动文件夹（不是其中的文件）拖到本文件上，
echo 或直接双击本文件处理本文件夹。
goto end

:nosettings
echo 文件夹“%CD%”里没有设置文件（config.toml 或 检查活动设置.xlsx），所以没有运行：
echo 本工具不会悄悄改用自带的样例检查。请先在这个文件夹里双击（或拖到）“设置.bat”生成设置表格，
echo 或用 python process.py new 新建活动文件夹。
goto end

:failed
echo.
echo ======================== 生成失败 ========================
echo 原因见上面以“无法运行”或“程序出错”开头的一行：多是“%CONFIG%”中有写错的地方，按提示改好后再双击本文件。
echo 提示“程序出错”时，请把 output 文件夹里的“错误记录_……txt”发给维护人员。

:end
popd 2>nul
echo.
pause
